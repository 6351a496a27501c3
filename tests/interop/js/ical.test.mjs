// The plan calendar read by ical.js, a second RFC 5545 parser independent of libical: every
// component and its dates, all-day items as DATE values, unique UIDs, alarms, and text that
// was folded and escaped reads back whole. The file is written by interop_write_fixtures.
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';

const text = readFileSync(join(process.env.DERMAPLAN_EXPORTS ?? '', 'plan.ics'), 'utf8');
const calendar = new ICAL.Component(ICAL.parse(text));

test('a VCALENDAR 2.0 with a PRODID', () => {
  expect(calendar.name).toBe('vcalendar');
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  expect(calendar.getFirstPropertyValue('prodid')).toMatch(/^-\/\/dermaplan\/\/dermaplan /);
});

test('every line is CRLF-terminated and at most 75 octets', () => {
  const lines = text.split('\r\n');
  expect(lines.pop()).toBe('');
  for (const line of lines) {
    expect(line.includes('\n'), line).toBe(false);
    expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
  }
});

test('every event and to-do has a unique UID, a UTC DTSTAMP and all-day dates', () => {
  const items = [...calendar.getAllSubcomponents('vevent'), ...calendar.getAllSubcomponents('vtodo')];
  expect(items.length).toBeGreaterThan(10);
  const uids = items.map((c) => c.getFirstPropertyValue('uid'));
  expect(new Set(uids).size).toBe(uids.length);
  for (const item of items) {
    const stamp = item.getFirstPropertyValue('dtstamp');
    expect(stamp.isDate).toBe(false);
    expect(stamp.zone.tzid).toBe('UTC');
    expect(item.getFirstPropertyValue('summary')).toBeTruthy();
    for (const name of item.name === 'vevent' ? ['dtstart', 'dtend'] : ['due']) {
      const property = item.getFirstProperty(name);
      expect(property.type, `${name} of ${item.getFirstPropertyValue('uid')}`).toBe('date');
      expect(property.getFirstValue().isDate).toBe(true);
    }
  }
});

test('sessions: one event each, a day long, with a reminder the day before', () => {
  const sessions = calendar.getAllSubcomponents('vevent').filter((e) => /-session-\d+@/.test(e.getFirstPropertyValue('uid')));
  expect(sessions.length).toBeGreaterThanOrEqual(3);
  sessions.forEach((event, i) => {
    expect(event.getFirstPropertyValue('uid')).toBe(`plan-5-session-${i + 1}@dermaplan`);
    const start = event.getFirstPropertyValue('dtstart');
    const end = event.getFirstPropertyValue('dtend');
    expect(end.subtractDate(start).toSeconds()).toBe(86400);
    const alarm = event.getFirstSubcomponent('valarm');
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(alarm.getFirstPropertyValue('trigger').toSeconds()).toBe(-86400);
    expect(event.getFirstPropertyValue('location')).toBe('Example Skin Clinic, 1 Example Street');
  });
});

test('preparation to-dos are due on their dates and keep their whole text', () => {
  const todos = calendar.getAllSubcomponents('vtodo');
  expect(todos.length).toBeGreaterThan(0);
  for (const todo of todos) {
    expect(todo.getFirstPropertyValue('status')).toBe('NEEDS-ACTION');
    const description = todo.getFirstPropertyValue('description');
    const due = todo.getFirstPropertyValue('due').toString();
    expect(description).toContain(`Due by ${due}`);
    // Text with commas and semicolons (escaped in the file) reads back unescaped.
    expect(description.includes('\\,') || description.includes('\\;')).toBe(false);
  }
  // Text with commas, semicolons and a parenthesis reads back whole (the vitamin task's).
  const vitamins = todos.find((t) => t.getFirstPropertyValue('uid').startsWith('plan-5-prep-vitamin-a-c-pretreatment-'));
  expect(vitamins.getFirstPropertyValue('summary')).toContain("to support the skin's ability to regenerate; the practitioner names the products (the recommendation names no form and no period)");
});

test('the practitioner\'s counselling discussion is not on the patient\'s calendar', () => {
  // seed-000: the discussion is between the doctor and the patient; the plan keeps it as the
  // practitioner's task, the patient's calendar lists it neither as a to-do nor under a session.
  const uids = calendar.getAllSubcomponents('vtodo').map((t) => t.getFirstPropertyValue('uid'));
  expect(uids.some((uid) => uid.startsWith('plan-5-prep-counselling-'))).toBe(false);
  for (const event of calendar.getAllSubcomponents('vevent'))
    expect(event.getFirstPropertyValue('description') ?? '').not.toContain('Counselling discussion');
});

test('aftercare windows are transparent all-day events starting on a session day', () => {
  const sessionDays = new Set(calendar.getAllSubcomponents('vevent')
    .filter((e) => /-session-\d+@/.test(e.getFirstPropertyValue('uid')))
    .map((e) => e.getFirstPropertyValue('dtstart').toString()));
  const aftercare = calendar.getAllSubcomponents('vevent').filter((e) => e.getFirstPropertyValue('uid').includes('-aftercare-'));
  expect(aftercare.length).toBeGreaterThan(0);
  for (const event of aftercare) {
    expect(event.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    expect(sessionDays.has(event.getFirstPropertyValue('dtstart').toString())).toBe(true);
  }
  expect(aftercare.some((e) => e.getFirstPropertyValue('description').includes('Avoid direct sun exposure'))).toBe(true);
});
