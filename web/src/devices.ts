// What needle lengths a device can take, from its knowledge-base entry (GET /api/kb/show/{id}):
// a roller's needles have one fixed length; a pen sets a depth within its range, in the steps
// the knowledge base names; a device whose entry gives neither leaves the length to the
// practitioner.

/** The device fields that decide its needle lengths (as `kb show` returns them). */
export interface DeviceGeometry {
  id: string;
  name?: string;
  /** roller | pen | stylus (from GET /api/kb/devices) */
  kind?: string;
  needle_length_mm?: number;
  depth_mm?: { min: number; max: number; step?: number | null };
  single_use?: boolean;
}

export type LengthChoice =
  | { kind: 'fixed'; mm: number }
  | { kind: 'steps'; steps: number[] }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'free' };

/** Rounds to 0.01 mm so that 0.1-steps do not print as 0.30000000000000004. */
const mm2 = (v: number) => Math.round(v * 100) / 100;

export function lengthChoice(device: DeviceGeometry | undefined | null): LengthChoice {
  if (!device) return { kind: 'free' };
  if (typeof device.needle_length_mm === 'number' && device.needle_length_mm > 0) return { kind: 'fixed', mm: device.needle_length_mm };
  const range = device.depth_mm;
  if (range && typeof range.min === 'number' && typeof range.max === 'number' && range.max >= range.min) {
    const step = range.step ?? 0;
    if (step > 0) {
      const steps: number[] = [];
      // A setting of 0 mm punctures nothing: it is not offered as a treatment length.
      for (let i = 0; mm2(range.min + i * step) <= range.max + 1e-9; i++) {
        const v = mm2(range.min + i * step);
        if (v > 0) steps.push(v);
      }
      return { kind: 'steps', steps };
    }
    return { kind: 'range', min: range.min, max: range.max };
  }
  return { kind: 'free' };
}

/** The allowed length nearest to `mm` (the value itself for a free choice). */
export function fitLength(choice: LengthChoice, mm: number): number {
  switch (choice.kind) {
    case 'fixed': return choice.mm;
    case 'steps': {
      if (choice.steps.length === 0) return mm;
      return choice.steps.reduce((best, v) => (Math.abs(v - mm) < Math.abs(best - mm) ? v : best), choice.steps[0]);
    }
    case 'range': return Number.isFinite(mm) && mm > 0 ? Math.min(choice.max, Math.max(choice.min, mm)) : choice.min;
    default: return mm;
  }
}

/** A sentence saying what the device allows ("fixed by the roller: 1.5 mm"). */
export function describeChoice(choice: LengthChoice): string {
  switch (choice.kind) {
    case 'fixed': return `fixed by the device: ${choice.mm} mm`;
    case 'steps': return choice.steps.length ? `the device's settings: ${choice.steps[0]}–${choice.steps[choice.steps.length - 1]} mm` : 'the device names no setting';
    case 'range': return `the device's range: ${choice.min}–${choice.max} mm (the knowledge base names no step)`;
    default: return 'the knowledge base gives no needle length for this device';
  }
}
