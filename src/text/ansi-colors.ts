/**
 * ANSI colour functions. portier's own, not a dependency's: the usual colour packages look at
 * `process.stdout.isTTY` when loaded, which builds the stdout stream (and, on a terminal or a
 * pipe, loads `tty` and `net`) in every CLI process, ~2 ms before any command runs.
 */

/** SGR open and close codes of each style portier uses. */
const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  greenBright: [92, 39],
  yellowBright: [93, 39],
  blueBright: [94, 39],
  magentaBright: [95, 39],
  cyanBright: [96, 39],
} as const satisfies Record<string, readonly [number, number]>;

/** A style's name: `bold`, `red`, `cyanBright`, … */
export type ColorName = keyof typeof STYLES;

/** Wraps text in one style; `String(text)` unchanged when colours are off. */
export type Paint = (text: string | number) => string;

/** One function per style, plus whether they colour at all. */
export type Colors = Record<ColorName, Paint> & { readonly enabled: boolean };

function paint(open: number, close: number): Paint {
  const start = `\x1b[${open}m`;
  const end = `\x1b[${close}m`;
  return (input) => {
    const text = String(input);
    // An inner style with the same close code (dim inside bold) would end the outer one early:
    // open the outer style again after each inner close.
    return start + (text.includes(end) ? text.replaceAll(end, end + start) : text) + end;
  };
}

const plain: Paint = (text) => String(text);

/** Colour functions that colour when `enabled`, and return the text as it is otherwise. */
export function createColors(enabled: boolean): Colors {
  const colors = { enabled } as { enabled: boolean } & Record<ColorName, Paint>;
  for (const [name, [open, close]] of Object.entries(STYLES)) {
    colors[name as ColorName] = enabled ? paint(open, close) : plain;
  }
  return colors;
}
