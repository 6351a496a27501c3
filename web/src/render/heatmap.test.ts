import { describe, expect, it } from 'vitest';
import { cellText, heatmapCaption, heatmapSummary, layoutHeatmap, niceStep, readDensityMap, scaleMax, tableRows, techniqueText, viridis, VIRIDIS } from './heatmap';
import type { DensityMap } from './heatmap';

// 3 cells wide, 2 high: row 0 (y 0..1 mm) first, as the API sends it.
const map: DensityMap = { cell_mm: 1, width: 3, height: 2, per_cm2: [0, 100, 200, 300, 400, 800] };
const box = { width: 100, left: 10, right: 30, top: 5, bottom: 15 }; // 60 px of plot for 3 mm: 20 px/mm

const response = {
  device: { label: 'Dermaroller 192 needles, 1.5 mm' },
  technique: { passes: 4, directions: 'h,v', pressure: 'medium', overlap: 0 },
  region: { label: 'Cheek' },
  density_per_cm2: { mean: 300 },
  density_map: map,
};

describe('viridis', () => {
  it('runs from the dark end to the yellow end of the PNG’s scale', () => {
    expect(viridis(0)).toBe('#440154');
    expect(viridis(1)).toBe('#fde725');
    expect(viridis(0.5)).toBe('#21918d'); // the middle stop (0.128, 0.567, 0.551)
  });
  it('interpolates between stops and clamps outside [0, 1]', () => {
    const between = viridis(0.05); // halfway between stops 0 and 1
    const mid = VIRIDIS[0].map((c, i) => Math.round(((c + VIRIDIS[1][i]) / 2) * 255));
    expect(between).toBe(`#${mid.map((v) => v.toString(16).padStart(2, '0')).join('')}`);
    expect(viridis(-3)).toBe(viridis(0));
    expect(viridis(7)).toBe(viridis(1));
    expect(viridis(Number.NaN)).toBe(viridis(0));
  });
  it('gets lighter as density grows (green channel rises)', () => {
    const green = (c: string) => parseInt(c.slice(3, 5), 16);
    const greens = [0, 0.25, 0.5, 0.75, 1].map((t) => green(viridis(t)));
    expect([...greens].sort((a, b) => a - b)).toEqual(greens);
  });
});

describe('readDensityMap', () => {
  it('accepts the API’s form and refuses what cannot be drawn', () => {
    expect(readDensityMap(map)).toEqual(map);
    expect(readDensityMap(undefined)).toBeNull();
    expect(readDensityMap({ ...map, per_cm2: [1, 2, 3] })).toBeNull();
    expect(readDensityMap({ ...map, width: 0, per_cm2: [] })).toBeNull();
    expect(readDensityMap({ ...map, cell_mm: 0 })).toBeNull();
    expect(readDensityMap({ ...map, per_cm2: [0, 100, 200, 300, 400, -1] })).toBeNull();
    expect(readDensityMap({ ...map, per_cm2: [0, 100, 200, 300, 400, 'x'] })).toBeNull();
  });
});

describe('layoutHeatmap', () => {
  const l = layoutHeatmap(map, box);
  it('places row 0 at the bottom (y grows upwards, as in the PNG) and columns left to right', () => {
    expect(l.plot).toEqual({ x: 10, y: 5, width: 60, height: 40 });
    const at = (ix: number, iy: number) => l.cells.find((c) => c.ix === ix && c.iy === iy)!;
    expect(at(0, 0)).toMatchObject({ x: 10, y: 25, size: 20, value: 0 });
    expect(at(2, 0)).toMatchObject({ x: 50, y: 25, value: 200 });
    expect(at(0, 1)).toMatchObject({ x: 10, y: 5, value: 300 });
    expect(at(2, 1)).toMatchObject({ x: 50, y: 5, value: 800 });
    expect(l.cells).toHaveLength(6);
    expect(l.height).toBe(5 + 40 + 15);
  });
  it('colours from 0 to the densest cell', () => {
    expect(l.vmax).toBe(800);
    expect(l.cells.find((c) => c.value === 800)!.fill).toBe(viridis(1));
    expect(l.cells.find((c) => c.value === 0)!.fill).toBe(viridis(0));
    expect(l.cells.find((c) => c.value === 400)!.fill).toBe(viridis(0.5));
  });
  it('labels the axes in mm and the colour bar in punctures per cm²', () => {
    // the PNG's rule: about 6 round steps over the longer side (3 mm: every 0.5 mm)
    expect(l.xTicks.map((t) => t.mm)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    expect(l.xTicks[6].x).toBe(70);
    expect(l.yTicks.map((t) => t.mm)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(l.yTicks[0].y).toBe(45); // y = 0 at the bottom
    expect(l.bar.ticks.map((t) => t.value)).toEqual([0, 200, 400, 600, 800]);
    expect(l.bar.ticks[4].y).toBe(l.bar.y);
    expect(l.bar.x).toBeGreaterThan(l.plot.x + l.plot.width);
  });
  it('keeps a 20 mm patch square and fits a wide one', () => {
    const square = layoutHeatmap({ cell_mm: 1, width: 20, height: 20, per_cm2: new Array(400).fill(100) });
    expect(square.plot.width).toBe(square.plot.height);
    expect(square.xTicks.map((t) => t.mm)).toEqual([0, 5, 10, 15, 20]);
    const wide = layoutHeatmap({ cell_mm: 2, width: 20, height: 5, per_cm2: new Array(100).fill(0) }, box);
    expect(wide.plot).toMatchObject({ width: 60, height: 15 });
    expect(wide.vmax).toBe(1); // an empty map still has a scale
  });
});

describe('niceStep and scaleMax', () => {
  it('match the PNG’s rules', () => {
    expect(niceStep(20, 6)).toBe(5);
    expect(niceStep(40, 6)).toBe(10);
    expect(niceStep(1700, 5)).toBe(500);
    expect(niceStep(0, 5)).toBe(1);
    expect(scaleMax(map)).toBe(800);
  });
});

describe('caption and text alternative', () => {
  it('names device, technique and region as the CLI title does', () => {
    expect(heatmapCaption(response)).toBe('Dermaroller 192 needles, 1.5 mm · 4 passes h,v, medium pressure · Cheek');
    expect(techniqueText({ passes: 1, directions: 'h', pressure: 'firm', overlap: 0.1 })).toBe('1 pass h, firm pressure, 10 % overlap');
    expect(techniqueText(undefined)).toBe('');
  });
  it('says in words what the picture shows', () => {
    expect(heatmapSummary(map, response)).toBe(
      'Punctures per cm² on 1 mm² cells over 3 × 2 mm of the patch: cells from 0 to 800 per cm², mean 300 per cm² over the patch; 1 cell of 6 without a puncture.');
    expect(cellText({ ...map, cell_mm: 2 })).toBe('2 × 2 mm cells');
  });
  it('lists the rows top first, as drawn', () => {
    expect(tableRows(map)).toEqual([{ y0: 1, y1: 2, values: [300, 400, 800] }, { y0: 0, y1: 1, values: [0, 100, 200] }]);
  });
});
