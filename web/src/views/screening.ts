// Showing a screening result exactly as the engine returns it: the decision, each finding
// with its reason, area, dates and sources, and the sources' other positions on demand.

import type { App } from '../app';
import { formatDay } from '../dates';
import { h, sourcesLine, supportNotice } from '../ui/dom';
import type { Decision, Finding, Screening } from '../types';

export const DECISION_LABEL: Record<Decision, string> = {
  eligible: 'Eligible',
  caution: 'Caution',
  defer: 'Defer',
  contraindicated: 'Contraindicated',
};

export function decisionBadge(decision: Decision | string, extra = ''): HTMLElement {
  return h('span', { class: `badge decision decision-${decision}`, 'data-decision': decision },
    (DECISION_LABEL as Record<string, string>)[decision] ?? decision, extra);
}

export function findingItem(app: App, f: Finding): HTMLElement {
  return h('li', { class: `finding finding-${f.decision}`, 'data-finding': f.id },
    h('div', { class: 'finding-head' },
      decisionBadge(f.decision),
      h('strong', null, f.title),
      f.area ? h('span', { class: 'chip' }, app.regionName(f.area)) : null,
      f.until ? h('span', { class: 'chip date' }, `until ${formatDay(f.until)}`) : null,
      f.unknown ? h('span', { class: 'chip unknown' }, 'not asked yet') : null),
    h('p', { class: 'finding-msg' }, f.message),
    f.reading ? h('p', { class: 'small muted finding-reading' }, `Reading: ${f.reading}`) : null,
    h('div', { class: 'finding-meta' }, sourcesLine(f.sources)),
    f.disagreement && f.other_positions && f.other_positions.length > 0
      ? h('details', { class: 'disagreement' },
        h('summary', null, `Sources disagree (${f.other_positions.length + 1} positions)`),
        h('p', { class: 'muted' }, `Applied: ${f.position ?? 'default'}${f.topic ? ` · topic ${f.topic}` : ''}`),
        h('ul', null, f.other_positions.map((p) => h('li', null, h('span', null, p.value), ' ', sourcesLine(p.sources)))))
      : null);
}

export function screeningPanel(app: App, result: Screening, opts: { compact?: boolean } = {}): HTMLElement {
  const unknown = result.findings.filter((f) => f.unknown).length;
  return h('div', { class: 'screening', 'data-decision': result.decision },
    h('div', { class: 'decision-line' },
      decisionBadge(result.decision),
      result.earliest_date ? h('span', { class: 'earliest' }, `earliest date ${formatDay(result.earliest_date)}`) : null,
      h('span', { class: 'muted' }, `as of ${formatDay(result.as_of)}`)),
    result.findings.length === 0
      ? h('p', { class: 'muted' }, 'No finding from the screening rules for this intake.')
      : h('ul', { class: 'findings' }, result.findings.map((f) => findingItem(app, f))),
    unknown > 0 && !opts.compact ? h('p', { class: 'muted' }, `${unknown} finding(s) come from questions not asked yet.`) : null,
    h('p', { class: 'muted small' }, `Knowledge base ${result.knowledge_version} · policy: ${result.policy}`),
    supportNotice(result.notice));
}
