import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyIntakeForm, formKeyForPath, formToIntake, intakeToForm } from './intake';

const repo = resolve(__dirname, '../..');
const example = JSON.parse(readFileSync(resolve(repo, 'examples/intake-acne-scars.json'), 'utf8'));

describe('formToIntake', () => {
  it('an untouched form is an intake where nothing was asked', () => {
    expect(formToIntake(emptyIntakeForm()).intake).toEqual({});
  });

  it('ticking "asked" with no rows gives empty lists (asked, none)', () => {
    const form = { ...emptyIntakeForm(), conditions_asked: true, medications_asked: true, procedures_asked: true, allergies_asked: true };
    expect(formToIntake(form).intake).toEqual({ conditions: [], medications: [], procedures: [], allergies: [] });
  });

  it('maps every field to the engine’s names and types', () => {
    const form = emptyIntakeForm();
    Object.assign(form, {
      birth_date: '1985-06-01', sex: 'female', fitzpatrick: '5', pregnant: 'no', breastfeeding: 'yes', sensitive_skin: 'yes', dry_skin: '',
      conditions_asked: true,
      conditions: [
        { code: 'herpes-simplex', status: 'history', area: 'perioral', since: '2019-01-01' },
        { code: 'skin-infection', status: 'active', area: 'cheek', since: '' },
        { code: 'keloid-tendency', status: 'denied', area: '', since: '' },
      ],
      medications_asked: true,
      medications: [{ code: 'isotretinoin', current: false, last_dose: '2026-10-01' }, { code: 'anticoagulant', current: true, last_dose: '' }],
      procedures_asked: true, procedures: [{ code: 'chemical-peel', date: '2026-11-01', area: 'cheek' }],
      allergies_asked: true, allergies: ['nickel'],
    });
    expect(formToIntake(form).intake).toEqual({
      birth_date: '1985-06-01', sex: 'female', fitzpatrick: 5, pregnant: false, breastfeeding: true, skin: { sensitive: true },
      conditions: [
        { code: 'herpes-simplex', active: false, area: 'perioral', since: '2019-01-01' },
        { code: 'skin-infection', active: true, area: 'cheek' },
        { code: 'keloid-tendency', present: false },
      ],
      medications: [{ code: 'isotretinoin', current: false, last_dose: '2026-10-01' }, { code: 'anticoagulant', current: true }],
      procedures: [{ code: 'chemical-peel', date: '2026-11-01', area: 'cheek' }],
      allergies: ['nickel'],
    });
  });

  it('leaves out rows without a code and remembers which rows it kept', () => {
    const form = { ...emptyIntakeForm(), medications_asked: true,
      medications: [{ code: '', current: true, last_dose: '' }, { code: 'nsaid', current: true, last_dose: '' }] };
    const { intake, origins } = formToIntake(form);
    expect(intake.medications).toEqual([{ code: 'nsaid', current: true }]);
    expect(origins.medications).toEqual([1]);
  });
});

describe('intakeToForm', () => {
  it('round-trips the bundled example intake exactly', () => {
    expect(formToIntake(intakeToForm(example)).intake).toEqual(example);
  });

  it('reads shorthand entries and the engine’s default for "current"', () => {
    const form = intakeToForm({ medications: ['nsaid', { code: 'isotretinoin', last_dose: '2026-01-01' }], allergies: [{ code: 'nickel' }] });
    expect(form.medications).toEqual([
      { code: 'nsaid', current: true, last_dose: '' },
      { code: 'isotretinoin', current: false, last_dose: '2026-01-01' },
    ]);
    expect(form.allergies).toEqual(['nickel']);
    expect(form.conditions_asked).toBe(false);
  });
});

describe('formKeyForPath', () => {
  const origins = { conditions: [0, 2], medications: [1], procedures: [], allergies: [0] };
  it('maps a JSON path of the intake to the form row it came from', () => {
    expect(formKeyForPath('/intake/medications/0/last_dose', origins)).toBe('medications.1.last_dose');
    expect(formKeyForPath('/intake/conditions/1/active', origins)).toBe('conditions.2.status');
    expect(formKeyForPath('/intake/conditions/1', origins)).toBe('conditions.2.code');
    expect(formKeyForPath('/intake/allergies/0', origins)).toBe('allergies.0');
    expect(formKeyForPath('/intake/skin/dry', origins)).toBe('dry_skin');
    expect(formKeyForPath('/intake/birth_date', origins)).toBe('birth_date');
    expect(formKeyForPath('/intake/medications', origins)).toBe('medications');
  });
  it('returns null outside the intake', () => {
    expect(formKeyForPath(undefined, origins)).toBeNull();
    expect(formKeyForPath('/intake', origins)).toBeNull();
  });
});

// The form's output must be an intake the real engine accepts. Runs when the CLI is built.
const bin = process.env.DERMAPLAN_BIN ?? resolve(repo, 'build/src/cli/dermaplan');
describe.skipIf(!existsSync(bin))('the screening engine accepts what the form produces', () => {
  it('screens a fully filled form without an input error', () => {
    const form = intakeToForm(example);
    form.procedures_asked = true;
    form.procedures.push({ code: 'laser-resurfacing', date: '2026-01-10', area: 'cheek' });
    form.allergies_asked = true;
    form.allergies.push('stainless-steel');
    form.conditions.push({ code: 'skin-infection', status: 'denied', area: '', since: '' });
    const out = execFileSync(bin, ['screen', '--intake', '-', '--date', '2026-11-22', '--area', 'cheek', '--format', 'json'],
      { input: JSON.stringify(formToIntake(form).intake), encoding: 'utf8' });
    const result = JSON.parse(out);
    expect(['eligible', 'caution', 'defer', 'contraindicated']).toContain(result.decision);
    expect(result.findings.some((f: { id: string }) => f.id === 'isotretinoin')).toBe(true);
  });
});
