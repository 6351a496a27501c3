// The intake form's state and its mapping to the intake JSON the screening engine accepts
// (src/screening/intake.h). Pure functions: no DOM, no network.
//
// The engine distinguishes "not asked" (field or list missing) from "asked, none" (false or an
// empty list); the form keeps that distinction with a "not asked" choice on every yes/no
// question and an "asked" tick on every list.

export type YesNo = '' | 'yes' | 'no';
export type Sex = '' | 'female' | 'male' | 'other' | 'unknown';

export interface ConditionRow {
  code: string;
  /** active: present now; history: had it before; denied: asked, and explicitly not present. */
  status: 'active' | 'history' | 'denied';
  area: string;   // region id, '' = every area
  since: string;  // YYYY-MM-DD or ''
}

export interface MedicationRow {
  code: string;
  current: boolean;
  last_dose: string;  // YYYY-MM-DD or ''
}

export interface ProcedureRow {
  code: string;
  date: string;
  area: string;
}

export interface IntakeForm {
  birth_date: string;
  sex: Sex;
  fitzpatrick: string;  // '' or '1'..'6'
  pregnant: YesNo;
  breastfeeding: YesNo;
  sensitive_skin: YesNo;
  dry_skin: YesNo;
  conditions_asked: boolean;
  conditions: ConditionRow[];
  medications_asked: boolean;
  medications: MedicationRow[];
  procedures_asked: boolean;
  procedures: ProcedureRow[];
  allergies_asked: boolean;
  allergies: string[];
}

/** The intake document (only the keys the engine reads; see parse_intake). */
export interface IntakeJson {
  birth_date?: string;
  sex?: Exclude<Sex, ''>;
  fitzpatrick?: number;
  pregnant?: boolean;
  breastfeeding?: boolean;
  skin?: { sensitive?: boolean; dry?: boolean };
  conditions?: { code: string; active?: boolean; present?: boolean; area?: string; since?: string }[];
  medications?: { code: string; current: boolean; last_dose?: string }[];
  procedures?: { code: string; date?: string; area?: string }[];
  allergies?: string[];
}

/** Which form row each list entry of the JSON came from (rows without a code are left out). */
export interface RowOrigins {
  conditions: number[];
  medications: number[];
  procedures: number[];
  allergies: number[];
}

export function emptyIntakeForm(): IntakeForm {
  return {
    birth_date: '', sex: '', fitzpatrick: '', pregnant: '', breastfeeding: '', sensitive_skin: '', dry_skin: '',
    conditions_asked: false, conditions: [],
    medications_asked: false, medications: [],
    procedures_asked: false, procedures: [],
    allergies_asked: false, allergies: [],
  };
}

function yesNo(value: YesNo): boolean | undefined {
  return value === 'yes' ? true : value === 'no' ? false : undefined;
}

function fromBool(value: unknown): YesNo {
  return value === true ? 'yes' : value === false ? 'no' : '';
}

const trim = (s: string) => s.trim();

/** The intake JSON for a form, and where each list entry came from. */
export function formToIntake(form: IntakeForm): { intake: IntakeJson; origins: RowOrigins } {
  const intake: IntakeJson = {};
  const origins: RowOrigins = { conditions: [], medications: [], procedures: [], allergies: [] };
  if (trim(form.birth_date)) intake.birth_date = trim(form.birth_date);
  if (form.sex) intake.sex = form.sex;
  if (form.fitzpatrick) intake.fitzpatrick = Number.parseInt(form.fitzpatrick, 10);
  const pregnant = yesNo(form.pregnant);
  if (pregnant !== undefined) intake.pregnant = pregnant;
  const breastfeeding = yesNo(form.breastfeeding);
  if (breastfeeding !== undefined) intake.breastfeeding = breastfeeding;
  const sensitive = yesNo(form.sensitive_skin);
  const dry = yesNo(form.dry_skin);
  if (sensitive !== undefined || dry !== undefined) {
    intake.skin = {};
    if (sensitive !== undefined) intake.skin.sensitive = sensitive;
    if (dry !== undefined) intake.skin.dry = dry;
  }
  if (form.conditions_asked) {
    intake.conditions = [];
    form.conditions.forEach((row, i) => {
      if (!trim(row.code)) return;
      const entry: NonNullable<IntakeJson['conditions']>[number] = { code: trim(row.code) };
      if (row.status === 'denied') entry.present = false;
      else entry.active = row.status === 'active';
      if (row.area) entry.area = row.area;
      if (trim(row.since)) entry.since = trim(row.since);
      intake.conditions!.push(entry);
      origins.conditions.push(i);
    });
  }
  if (form.medications_asked) {
    intake.medications = [];
    form.medications.forEach((row, i) => {
      if (!trim(row.code)) return;
      const entry: NonNullable<IntakeJson['medications']>[number] = { code: trim(row.code), current: row.current };
      if (trim(row.last_dose)) entry.last_dose = trim(row.last_dose);
      intake.medications!.push(entry);
      origins.medications.push(i);
    });
  }
  if (form.procedures_asked) {
    intake.procedures = [];
    form.procedures.forEach((row, i) => {
      if (!trim(row.code)) return;
      const entry: NonNullable<IntakeJson['procedures']>[number] = { code: trim(row.code) };
      if (trim(row.date)) entry.date = trim(row.date);
      if (row.area) entry.area = row.area;
      intake.procedures!.push(entry);
      origins.procedures.push(i);
    });
  }
  if (form.allergies_asked) {
    intake.allergies = [];
    form.allergies.forEach((code, i) => {
      if (!trim(code)) return;
      intake.allergies!.push(trim(code));
      origins.allergies.push(i);
    });
  }
  return { intake, origins };
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A list entry may be a bare code string (shorthand for {"code": ...}). */
const entries = (v: unknown): Json[] => (Array.isArray(v) ? v.map((e) => (typeof e === 'string' ? { code: e } : asObject(e))) : []);

/** The form for a stored intake (the inverse of formToIntake for what it produces). */
export function intakeToForm(doc: unknown): IntakeForm {
  const j = asObject(doc);
  const form = emptyIntakeForm();
  form.birth_date = str(j.birth_date);
  const sex = str(j.sex);
  form.sex = (['female', 'male', 'other', 'unknown'].includes(sex) ? sex : '') as Sex;
  form.fitzpatrick = typeof j.fitzpatrick === 'number' ? String(j.fitzpatrick) : '';
  form.pregnant = fromBool(j.pregnant);
  form.breastfeeding = fromBool(j.breastfeeding);
  const skin = asObject(j.skin);
  form.sensitive_skin = fromBool(skin.sensitive);
  form.dry_skin = fromBool(skin.dry);
  if (Array.isArray(j.conditions)) {
    form.conditions_asked = true;
    form.conditions = entries(j.conditions).map((c) => ({
      code: str(c.code),
      status: c.present === false ? 'denied' : c.active === true ? 'active' : 'history',
      area: str(c.area),
      since: str(c.since),
    }));
  }
  if (Array.isArray(j.medications)) {
    form.medications_asked = true;
    form.medications = entries(j.medications).map((m) => ({
      code: str(m.code),
      // As the engine reads it: listed without "current" means current unless a last dose is given.
      current: typeof m.current === 'boolean' ? m.current : !str(m.last_dose),
      last_dose: str(m.last_dose),
    }));
  }
  if (Array.isArray(j.procedures)) {
    form.procedures_asked = true;
    form.procedures = entries(j.procedures).map((p) => ({ code: str(p.code), date: str(p.date), area: str(p.area) }));
  }
  if (Array.isArray(j.allergies)) {
    form.allergies_asked = true;
    form.allergies = entries(j.allergies).map((a) => str(a.code));
  }
  return form;
}

/**
 * The form field a server error points at. `path` is the error's JSON path
 * ("/intake/medications/0/last_dose"); the result is the form key the inputs carry in
 * data-field ("medications.2.last_dose": row 2 of the form, which was entry 0 of the JSON),
 * or null when the path is not inside the intake.
 */
export function formKeyForPath(path: string | undefined, origins: RowOrigins): string | null {
  if (!path) return null;
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'intake') parts.shift();
  if (parts.length === 0) return null;
  const [head, index, leaf] = parts;
  if (head === 'skin') return index === 'dry' ? 'dry_skin' : 'sensitive_skin';
  if (head === 'conditions' || head === 'medications' || head === 'procedures' || head === 'allergies') {
    if (index === undefined) return head;
    const row = origins[head][Number(index)];
    if (row === undefined) return head;
    let field = leaf ?? 'code';
    if (head === 'conditions' && (field === 'active' || field === 'present')) field = 'status';
    return head === 'allergies' ? `allergies.${row}` : `${head}.${row}.${field}`;
  }
  return head;
}
