import { textOf } from './harness';

/** Every string under a `text` key, at any depth. */
export const allText = textOf;
