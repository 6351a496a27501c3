// The shapes the server sends (docs/api.md). Engine payloads are exactly what
// `dermaplan screen|plan|simulate --format json` prints; only the fields the interface reads
// are typed, the rest pass through untouched.

export type Role = 'admin' | 'practitioner' | 'assistant';

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  disabled?: boolean;
  created_at?: string;
  row_version?: number;
}

/** One row of GET /api/staff: who is who, readable by every role (no login names). */
export interface StaffMember {
  id: number;
  display_name: string;
  role: Role | string;
  disabled: boolean;
}

export type Decision = 'eligible' | 'caution' | 'defer' | 'contraindicated';

export interface OtherPosition {
  id: string;
  value: string;
  sources: string[];
}

export interface Finding {
  id: string;
  title: string;
  decision: Decision;
  message: string;
  sources: string[];
  disagreement: boolean;
  area?: string;
  until?: string;
  unknown?: boolean;
  /** How an ambiguous source sentence is read for this rule. */
  reading?: string;
  topic?: string;
  position?: string;
  other_positions?: OtherPosition[];
}

export interface Screening {
  decision: Decision;
  as_of: string;
  areas: string[];
  findings: Finding[];
  checks: number;
  policy: string;
  knowledge_version: string;
  notice: string;
  earliest_date?: string;
}

export interface RangeUm { min: number; max: number }

export type NominalReach = 'epidermis' | 'dermis' | 'dermis-or-beyond' | 'beyond-dermis';

export interface DepthCheck {
  needle_um: number;
  epidermis_um: RangeUm;
  dermis_um: RangeUm;
  skin_um: RangeUm;
  nominal_reach: NominalReach | string;
  exceeds_dermis: boolean;
  bleeding_expected: boolean;
  depth_class: string;
  sources: string[];
}

export interface PlanArea {
  region: string;
  region_name: string;
  /** recommended: a length a source names, or null; planned: what the plan uses (the named
   *  length, else the range's lower end), capped by the region's guide. */
  needle_length_mm: { min: number; max: number; recommended: number | null; planned: number; basis: 'named' | 'range-minimum';
    /** The lengths the plan allows there (the treatment gate refuses a session above its max). */
    planned_range?: { min: number; max: number } };
  device: { id: string; length_mm: number };
  depth_check: DepthCheck;
  warnings: string[];
  sources: string[];
  pressure?: { value: string; sources: string[] };
  region_guide_mm?: { min: number; max: number; sources: string[] };
}

export interface PlannedSession {
  number: number;
  date: string;
  latest_date: string;
  optional?: boolean;
}

export interface PreparationTask {
  id: string;
  task: string;
  due: string;
  session: number;
  /** Who carries it out; absent in plans saved before tasks said so (read as the patient's). */
  done_by?: 'patient' | 'practitioner';
  /** A choice in its planning that no source makes (its timing per session). */
  assumption?: string;
  sources: string[];
}

export interface AftercareItem {
  id: string;
  instruction: string;
  from_hours: number;
  to_hours?: number;
  open_ended?: boolean;
  /** Open-ended with the source's words for an end it gives no number for ("for a few days"). */
  vague_end?: string;
  /** How an ambiguous source sentence is read (what "for a few days" applies to). */
  reading?: string;
  sources: string[];
  topic?: string;
}

export interface Disagreement {
  topic: string;
  question: string;
  positions: { id: string; value: string; sources: string[]; default: boolean }[];
  chosen: string;
  chosen_by: 'policy' | 'default' | string;
  overridden_by_policy?: boolean;
}

export interface Plan {
  screening: Screening;
  indication: string;
  indication_name: string;
  treatment_class: string;
  physician_required: boolean;
  treatable: boolean;
  status: string;
  device: { id: string; name: string; kind: string; single_use: boolean; sources: string[] };
  areas: PlanArea[];
  passes: { count: { min: number; max: number }; directions: string[]; sources: string[] };
  anaesthesia: { agent: string; minutes: { min: number; max: number }; needed: boolean; sources: string[] };
  sessions: PlannedSession[];
  session_count: { min: number; max: number };
  interval_days: { min: number; max: number };
  course_sources: string[];
  preparation: PreparationTask[];
  procedure: { id: string; step: string; sources: string[] }[];
  aftercare: AftercareItem[];
  warnings: string[];
  disagreements: Disagreement[];
  policy: string;
  knowledge_version: string;
  notice: string;
  assessment_date?: string;
  assessment_sources?: string[];
}

export interface Patient {
  id: number;
  name: string;
  birth_date: string;
  sex: string;
  notes: string;
  created_at?: string;
  updated_at?: string;
  row_version: number;
  /** Made by `dermaplan demo-data`: synthetic, not a real person (absent for real patients). */
  demo?: boolean;
  /** In the patient list and the agenda (GET /api/patients, GET /api/agenda). */
  status?: PatientStatus;
}

/** A page of GET /api/patients. */
export interface PatientPage {
  patients: Patient[];
  /** Exact unless total_is_lower_bound: then more than 1,000 patients match the search. */
  total: number;
  total_is_lower_bound?: boolean;
  limit: number;
  offset: number;
  /** The cursor of the next page (pass it as `after`); null on the last page. */
  next: string | null;
  /** How many demo patients the database holds (`dermaplan demo-data`); 0: none. */
  demo_patients: number;
}

/** Where a patient stands before a treatment: the latest screening and the consent on record. */
export interface PatientStatus {
  screening_decision: Decision | 'none';
  intake_version: number;
  deferred_until: string | null;
  /** none: no consent; current: today's form for the latest plan (or the general form); stale: changed since. */
  consent: 'none' | 'current' | 'stale';
  plan_indication: string;
}

export interface StoredIntake {
  id: number;
  version: number;
  intake: unknown;
  screening: Screening;
  knowledge_version: string;
  policy: string;
  created_by: number;
  created_at: string;
}

export interface StoredPlan {
  id: number;
  patient_id: number;
  indication: string;
  plan: Plan;
  created_by: number;
  created_at: string;
}

export interface Consent {
  id: number;
  patient_id?: number;
  text_version: string;
  text: string;
  consented_by: string;
  consented_at: string;
  recorded_by: number;
  recorded_at: string;
  /** The form's indication ("" or absent: the general form). */
  indication?: string;
  /** Every item and risk id the patient acknowledged one by one. */
  acknowledged?: string[];
  photo_use?: 'record_only' | 'teaching' | 'marketing' | null;
  signature_sha256?: string | null;
  signature_content_type?: string | null;
  /** Whether the text is still today's form for its indication. */
  current?: boolean;
}

export interface NeedleLength { region: string; needle_length_mm: number }

export type SessionStatus = 'planned' | 'performed' | 'signed';

export interface TreatmentSession {
  id: number;
  patient_id: number;
  plan_id: number;
  date: string;
  practitioner_id: number;
  device: string;
  needle_lengths: NeedleLength[];
  lot_number: string;
  passes: number;
  directions: string;
  anaesthetic: string;
  anaesthetic_minutes: number;
  end_point: string;
  products_applied: string;
  notes: string;
  status: SessionStatus;
  signed_by?: number;
  signed_at?: string;
  row_version: number;
  amendments?: Amendment[];
  patient?: { id: number; name: string; status?: PatientStatus };
  /** A refused treatment gate a practitioner overrode, with the written reason (null: none). */
  gate_override?: GateOverride | null;
  /** Every passage through the treatment gate (marked performed, signed), kept for good. */
  gate_passages?: GatePassage[];
  /** Caution findings acknowledged at the latest passage ({id, message}; older servers: ids). */
  acknowledged_cautions?: (GateCaution | string)[];
}

export interface GateCondition { condition: string; message: string; where?: string }
export interface GateCaution { id: string; message: string }
export interface GateOverride { reason: string; step?: string; by: number; at: string; unmet: GateCondition[] }
export interface GatePassage {
  step: 'performed' | 'signed' | string;
  passed_by: number;
  passed_at: string;
  overridden: boolean;
  override_reason: string | null;
  unmet: GateCondition[];
  acknowledged_cautions: GateCaution[];
  recap?: GateRecap;
}

/** What a signature confirms (the sign dialog shows it). */
export interface GateRecap {
  patient: { id: number; name: string };
  session_id?: number;
  date: string;
  device: string;
  device_name?: string;
  lot_number: string;
  plan_id?: number;
  indication?: string;
  consent?: { id: number; text_version: string };
  needle_lengths: { region: string; region_name?: string; needle_length_mm: number }[];
  screening_decision?: string;
  warnings: string[];
  acknowledged_cautions: GateCaution[];
}

/** GET /api/sessions/{id}/gate: may this session be marked performed or signed now? */
export interface Gate {
  allowed: boolean;
  unmet: GateCondition[];
  cautions: GateCaution[];
  warnings: string[];
  screening_decision: Decision | 'none' | string;
  deferred_until: string | null;
  plan_id?: number;
  indication?: string;
  recap: GateRecap;
}

export interface Amendment {
  id: number;
  session_id: number;
  author_id: number;
  amended_at: string;
  field: string;
  old_value: string;
  new_value: string;
  reason: string;
}

export interface AdverseEvent {
  id: number;
  session_id: number;
  type: string;
  severity: 'mild' | 'moderate' | 'severe';
  onset: string;
  resolved: string;
  resolution: string;
  notes: string;
  row_version: number;
  recorded_by?: number;
}

export interface Outcome {
  id: number;
  scale: string;
  score: number;
  region: string;
  date: string;
  notes: string;
  session_id: number;
  assessor_id?: number;
}

export interface Photo {
  id: number;
  sha256: string;
  region: string;
  view: string;
  tag: 'before' | 'after' | 'progress';
  taken_on: string;
  url: string;
  session_id: number;
}

export interface PatientRecord extends Patient {
  intakes: StoredIntake[];
  plans: StoredPlan[];
  sessions: TreatmentSession[];
  consents: Consent[];
  adverse_events: AdverseEvent[];
  outcomes: Outcome[];
  photos: Photo[];
}

export interface Agenda {
  date: string;
  until?: string;
  sessions_today: TreatmentSession[];
  due: { patient: { id: number; name: string; status?: PatientStatus }; kind: 'session' | 'assessment'; date: string; session_id?: number; plan_id?: number }[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  user_id: number;
  username: string;
  action: string;
  entity: string;
  record_id: number;
  detail: string;
  hash: string;
  /** The patients the row concerns (its record, its detail, the session it names). */
  patient_ids?: number[];
}

export interface Region {
  id: string;
  name: string;
  group: 'face' | 'neck' | 'body' | 'scalp' | string;
  [key: string]: unknown;
}

export type VocabularyKind = 'condition' | 'medication' | 'procedure' | 'allergy';

/** One row of GET /api/kb/vocabulary (a flat list; `kind` says which intake list it belongs to). */
export interface VocabularyEntry { kind?: VocabularyKind; code: string; name: string; aliases?: string[] }

export interface Vocabulary {
  conditions: VocabularyEntry[];
  medications: VocabularyEntry[];
  procedures: VocabularyEntry[];
  allergies: VocabularyEntry[];
}

export interface Indication { id: string; name: string; group?: string; treatment_class?: string; regions?: string[] }
export interface Device { id: string; name: string; kind: string; [key: string]: unknown }
export interface Scale {
  id: string;
  name: string;
  min?: number;
  max?: number;
  /** Scores are min + k * step (whole grades); absent: any value. */
  step?: number;
  better?: 'lower' | 'higher';
  /** true when the scale classifies (Fitzpatrick): it has no better end. */
  classification?: boolean;
  anchors?: Record<string, string>;
  sources?: string[];
  note?: string;
}

export interface ConsentText {
  version: string;
  text: string;
  items?: { id: string; text: string; sources: string[] }[];
  risks: { id?: string; text: string; sources: string[] }[];
}

export interface SimulationResult { [key: string]: unknown }
