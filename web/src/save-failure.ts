// What a form says when sending it failed: what happened, whether anything was saved, and that
// what was typed is still there to send again. Pure: the words only (ui/dom.ts showSaveFailure
// puts them on the page). Every form of the interface words its failures through here, so a
// dropped network, a stopped server or a proxy's page never leaves a form silent.

import { ApiError } from './api';

export interface SaveFailure {
  /** The form's key of the field the server named (its JSON path mapped by `fieldOf`), or null. */
  field: string | null;
  /** The server's message for that field (null when there is no field to show it at). */
  fieldMessage: string | null;
  /** The sentence under the form: what happened and what became of the record. */
  summary: string;
}

export interface SaveFailureOptions {
  /** The verb of the action, as in "the score was not {done}": saved (default), created, signed… */
  done?: string;
  /** The sentence's start when it is not "{What} was not {done}" ("You are not logged in"). */
  notDone?: string;
  /** What is not known when the answer cannot be read, when not "whether {what} was {done}". */
  unknown?: string;
  /** The closing sentence after a failure to reach or read the server; default: the input is kept, try again. */
  retry?: string;
  /** Maps the server's JSON path ("/score") to the form's field key; default: without the slash. */
  fieldOf?: (path: string | undefined) => string | null;
}

const KEPT = 'What you entered is still here: try again.';

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

/**
 * The words for a failed send of `what` ("the score", "the amendment"). A refusal by the server
 * (its JSON error) names the field when it gives one; no answer, an answer without the server's
 * error or a success that cannot be read each say so in plain words, with what became of the record.
 */
export function saveFailure(err: unknown, what: string, opts: SaveFailureOptions = {}): SaveFailure {
  const done = opts.done ?? 'saved';
  const notDone = opts.notDone ?? `${capital(what)} was not ${done}`;
  const retry = opts.retry ?? KEPT;
  const unknown = opts.unknown ?? `whether ${what} was ${done}`;
  if (!(err instanceof ApiError)) {
    const reason = err instanceof Error ? err.message : String(err);
    return { field: null, fieldMessage: null, summary: `${notDone}: ${sentence(reason)} ${retry}` };
  }
  switch (err.kind) {
    case 'network':
      return { field: null, fieldMessage: null,
        summary: `${notDone}: the server could not be reached (the network is down, or the server is stopped). ${retry}` };
    case 'unexplained':
      return { field: null, fieldMessage: null,
        summary: `${notDone}: the server answered with an error (HTTP ${err.status}) and no explanation; it may be restarting, or a proxy in between failed. ${retry}` };
    case 'unreadable':
      // A success status with a body that is not the server's JSON: the request may have been
      // carried out (or a proxy's page answered instead). Sending again could record it twice.
      return { field: null, fieldMessage: null,
        summary: `It is not known ${unknown}: the server’s answer could not be read (it is not JSON). Check in another tab or after a reload before trying again${opts.retry ? '' : ' (what you entered is still here until you reload)'}.` };
    default: {
      const fieldOf = opts.fieldOf ?? ((path) => (path ? path.replace(/^\//, '') : null));
      const field = fieldOf(err.field);
      if (field) return { field, fieldMessage: err.message, summary: `${notDone}: see the highlighted field.` };
      return { field: null, fieldMessage: null, summary: `${notDone}: ${sentence(err.message)}${opts.retry ? ` ${opts.retry}` : ''}` };
    }
  }
}
