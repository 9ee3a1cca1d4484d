/**
 * What a person is typing in the popup survives a re-render. The lists are rebuilt on every new
 * snapshot (the refresh as the popup opens, any event from the proxy), and a reason half typed,
 * a chosen duration, an approver's comment or an opened Emergency access form were wiped by
 * whatever arrived meanwhile: a request then went out with an empty reason. Each field is found
 * again by where it lives (its request, break-glass or approval item) and its name; the field
 * that had focus gets it back, caret included.
 */
type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const FIELDS = 'input[name], select[name], textarea[name]';
const HOLDERS = 'form[data-request], form[data-break-glass], li[data-approval]';

export interface TypedInput {
  values: Map<string, string>;
  openEmergency: Set<string>;
  focused: { place: string; start: number | null; end: number | null } | undefined;
}

/** "request:payroll/reason": a field's place, the same in the list built next. */
function placeOf(field: Field): string | undefined {
  const holder = field.closest<HTMLElement>(HOLDERS);
  if (!holder) return undefined;
  const { request, breakGlass, approval } = holder.dataset;
  const key =
    request !== undefined
      ? `request:${request}`
      : breakGlass !== undefined
        ? `break-glass:${breakGlass}`
        : `approval:${approval ?? ''}`;
  return `${key}/${field.name}`;
}

/** Where the caret was (none in a select). */
const caretOf = (field: Field) =>
  field instanceof HTMLSelectElement
    ? { start: null, end: null }
    : { start: field.selectionStart, end: field.selectionEnd };

export function saveTyped(root: ParentNode): TypedInput {
  const values = new Map<string, string>();
  let focused: TypedInput['focused'];
  for (const field of root.querySelectorAll<Field>(FIELDS)) {
    const place = placeOf(field);
    if (place === undefined) continue;
    values.set(place, field.value);
    if (field === document.activeElement) focused = { place, ...caretOf(field) };
  }
  const openEmergency = new Set<string>();
  for (const form of root.querySelectorAll<HTMLElement>('details[open] form[data-break-glass]'))
    openEmergency.add(form.dataset.breakGlass ?? '');
  return { values, openEmergency, focused };
}

export function restoreTyped(root: ParentNode, typed: TypedInput): void {
  for (const form of root.querySelectorAll<HTMLElement>('form[data-break-glass]')) {
    const details = form.closest('details');
    if (details && typed.openEmergency.has(form.dataset.breakGlass ?? '')) details.open = true;
  }
  for (const field of root.querySelectorAll<Field>(FIELDS)) {
    const place = placeOf(field);
    const value = place === undefined ? undefined : typed.values.get(place);
    // A select keeps its own choice when the saved one is no longer offered.
    if (value !== undefined) {
      const before = field.value;
      field.value = value;
      if (field instanceof HTMLSelectElement && field.value !== value) field.value = before;
    }
    if (place !== undefined && place === typed.focused?.place) {
      field.focus();
      if (!(field instanceof HTMLSelectElement) && typed.focused.start !== null)
        field.setSelectionRange(typed.focused.start, typed.focused.end);
    }
  }
}
