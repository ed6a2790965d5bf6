import { describe, expect, it } from 'vitest';
import { fixedBodyLength } from '../../src/door/fixed-length-body.js';

describe('fixedBodyLength', () => {
  it.each([
    ['Content-Length alone', ['Content-Length', '20000'], 20000],
    ['any case', ['content-LENGTH', '9'], 9],
    [
      'among other headers',
      ['Content-Type', 'text/plain', 'Content-Length', '12', 'ETag', '"x"'],
      12,
    ],
    ['zero: no body', ['Content-Length', '0'], -1],
    ['no Content-Length: close-delimited', ['Content-Type', 'text/plain'], -1],
    ['Transfer-Encoding wins', ['Content-Length', '5', 'Transfer-Encoding', 'chunked'], -1],
    ['Transfer-Encoding first', ['transfer-encoding', 'chunked', 'Content-Length', '5'], -1],
    ['past 2^53', ['Content-Length', '9007199254740993'], -1],
    ['a name of the same length is not it', ['Content-Lengthx', '5'], -1],
  ])('%s', (_name, rawHeaders, expected) => {
    expect(fixedBodyLength(rawHeaders as string[])).toBe(expected);
  });
});
