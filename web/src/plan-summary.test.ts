import { describe, expect, it } from 'vitest';
import { densityAdvice, mergeWarnings, topWarnings } from './plan-summary';

const area = (region: string, region_name: string, warnings: string[]) => ({ region, region_name, warnings }) as never;

describe('mergeWarnings', () => {
  it('says a warning every region repeats once, naming the regions', () => {
    const merged = mergeWarnings({
      warnings: ['Physician required for medical needling.'],
      areas: [
        area('cheek', 'Cheek', ['Pinpoint bleeding is expected at this length.']),
        area('forehead', 'Forehead', ['Pinpoint bleeding is expected at this length.', 'Thin skin over bone.']),
      ],
    });
    expect(merged).toEqual([
      { text: 'Physician required for medical needling.', regions: [], variants: [] },
      { text: 'Pinpoint bleeding is expected at this length.', regions: ['Cheek', 'Forehead'], variants: [] },
      { text: 'Thin skin over bone.', regions: ['Forehead'], variants: [] },
    ]);
  });

  it('merges warnings that differ only by the region name', () => {
    const merged = mergeWarnings({
      warnings: [],
      areas: [area('cheek', 'Cheek', ['2.5 mm on Cheek exceeds the guide']), area('chin', 'Chin', ['2.5 mm on chin exceeds the guide'])],
    });
    expect(merged).toEqual([{ text: '2.5 mm on the region exceeds the guide', regions: ['Cheek', 'Chin'], variants: [] }]);
  });

  it('the same rule with other numbers per region: one entry, each region’s wording kept', () => {
    const merged = mergeWarnings({
      warnings: [],
      areas: [
        area('forehead', 'Forehead', ['2.5 mm for acne scars is above the Forehead guide of 0.25–0.5 mm: reduced to 0.75 mm.']),
        area('chin', 'Chin', ['2.5 mm for acne scars is above the Chin guide of 0.5–1 mm: reduced to 2 mm.']),
      ],
    });
    expect(merged.length).toBe(1);
    expect(merged[0].regions).toEqual(['Forehead', 'Chin']);
    expect(merged[0].text).toBe('2.5 mm for acne scars is above the …');
    expect(merged[0].variants.map((v) => v.region)).toEqual(['Forehead', 'Chin']);
  });

  it('a region warning with the words of a course warning is not repeated', () => {
    const merged = mergeWarnings({ warnings: ['A'], areas: [area('cheek', 'Cheek', ['A'])] });
    expect(merged).toEqual([{ text: 'A', regions: [], variants: [] }]);
  });

  it('the first three: course warnings, then the widest', () => {
    const top = topWarnings([
      { text: 'one region', regions: ['Cheek'], variants: [] },
      { text: 'three regions', regions: ['Cheek', 'Chin', 'Nose'], variants: [] },
      { text: 'course', regions: [], variants: [] },
      { text: 'two regions', regions: ['Cheek', 'Chin'], variants: [] },
    ]);
    expect(top.map((t) => t.text)).toEqual(['course', 'three regions', 'two regions']);
  });
});

describe('densityAdvice', () => {
  it('too low: more passes, in proportion', () => {
    const a = densityAdvice(50, { min: 200, max: 300 }, 4)!;
    expect(a.verdict).toBe('low');
    expect(a.suggested_passes).toBe(20);
    expect(a.message).toMatch(/75 % below/);
    expect(a.message).toMatch(/about 20 passes instead of 4/);
  });
  it('too high: fewer passes', () => {
    const a = densityAdvice(600, { min: 200, max: 300 }, 8)!;
    expect(a.verdict).toBe('high');
    expect(a.suggested_passes).toBe(3);
    expect(a.message).toMatch(/100 % above/);
  });
  it('within the range: nothing to change', () => {
    expect(densityAdvice(250, { min: 200, max: 300 }, 4)!.verdict).toBe('ok');
  });
  it('no advice without numbers', () => {
    expect(densityAdvice(0, { min: 200, max: 300 }, 4)).toBeNull();
    expect(densityAdvice(100, { min: 0, max: 0 }, 4)).toBeNull();
  });
});
