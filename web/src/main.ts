// Entry point: the routes of the practitioner's interface.
import './style.css';
import { App } from './app';
import { accountView } from './views/account';
import { adminUsersView, auditView, backupView } from './views/admin';
import { homeView } from './views/home';
import { loginView } from './views/login';
import { newPatientView, patientsView } from './views/patients';
import { patientView } from './views/patient';
import { practiceOutcomesView } from './views/practice-outcomes';
import { sessionView } from './views/session';

const app = new App(document.getElementById('app')!)
  .setLogin(loginView)
  .route(/^\/$/, 'Today', homeView, 'today')
  .route(/^\/patients(?:\?(.*))?$/, 'Patients', patientsView, 'patients')
  .route(/^\/patients\/new$/, 'New patient', newPatientView, 'patients')
  .route(/^\/patients\/(\d+)(?:\/(\w+))?$/, 'Patient', patientView, 'patients')
  .route(/^\/sessions\/(\d+)$/, 'Session', sessionView, 'patients')
  .route(/^\/outcomes(?:\?(.*))?$/, 'Practice outcomes', practiceOutcomesView, 'outcomes')
  .route(/^\/account$/, 'My account', accountView, 'account')
  .route(/^\/admin$/, 'Users', adminUsersView, 'admin')
  .route(/^\/admin\/audit(?:\/patient\/(\d+))?$/, 'Audit log', auditView, 'admin')
  .route(/^\/admin\/backup$/, 'Backup', backupView, 'admin');

void app.start();
