// A lone UTF-16 surrogate has no UTF-8 form: a store writing the text as UTF-8 would replace it,
// so what was read back (and hashed, in the audit log) would differ from what was sent.
const LONE_SURROGATE = /\p{Surrogate}/u;

export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);
