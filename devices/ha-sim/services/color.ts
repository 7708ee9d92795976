/** Colour maths HA does for lights (homeassistant/util/color.py), rewritten from the published formulas. */

/** Python's round(): halves go to the even neighbour, so brightness_pct 30 is 76, not 77. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  if (Math.abs(x - floor - 0.5) > 1e-9) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return roundHalfEven(x * f) / f;
}

const clamp255 = (x: number): number => Math.min(255, Math.max(0, x));

/** Tanner Helland's black-body approximation, which HA uses for colour temperature to RGB. */
export function colorTemperatureToRgb(kelvin: number): [number, number, number] {
  const t = Math.min(40_000, Math.max(1000, kelvin)) / 100;
  const red = t <= 66 ? 255 : clamp255(329.698727446 * (t - 60) ** -0.1332047592);
  const green =
    t <= 66
      ? clamp255(99.4708025861 * Math.log(t) - 161.1195681661)
      : clamp255(288.1221695283 * (t - 60) ** -0.0755148492);
  const blue = t >= 66 ? 255 : t <= 19 ? 0 : clamp255(138.5177312231 * Math.log(t - 10) - 305.0447927307);
  return [red, green, blue];
}

/** RGB (0-255, may be fractional) to hue 0-360 and saturation 0-100, rounded to 3 places as HA reports them. */
export function rgbToHs(r: number, g: number, b: number): [number, number] {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const delta = max - min;
  let h = 0;
  if (delta > 0) {
    if (max === rn) h = ((gn - bn) / delta) % 6;
    else if (max === gn) h = (bn - rn) / delta + 2;
    else h = (rn - gn) / delta + 4;
    h *= 60;
    if (h < 0) h += 360;
  }
  const s = max === 0 ? 0 : (delta / max) * 100;
  return [roundTo(h, 3), roundTo(s, 3)];
}

/** Hue/saturation at full value to RGB floats 0-255. */
function hsToRgbFloat(h: number, s: number): [number, number, number] {
  const sat = s / 100;
  const c = sat;
  const hp = (h % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r1, g1, b1] =
    hp < 1
      ? [c, x, 0]
      : hp < 2
        ? [x, c, 0]
        : hp < 3
          ? [0, c, x]
          : hp < 4
            ? [0, x, c]
            : hp < 5
              ? [x, 0, c]
              : [c, 0, x];
  const m = 1 - c;
  return [(r1 + m) * 255, (g1 + m) * 255, (b1 + m) * 255];
}

export function hsToRgb(h: number, s: number): [number, number, number] {
  const [r, g, b] = hsToRgbFloat(h, s);
  return [Math.round(r), Math.round(g), Math.round(b)];
}

/** Hue/saturation to CIE xy via sRGB gamma and the Wide RGB D65 matrix HA uses; 3 places. */
export function hsToXy(h: number, s: number): [number, number] {
  const lin = (v: number): number => {
    const n = v / 255;
    return n > 0.04045 ? ((n + 0.055) / 1.055) ** 2.4 : n / 12.92;
  };
  const [r, g, b] = hsToRgbFloat(h, s).map(lin) as [number, number, number];
  const X = r * 0.664511 + g * 0.154324 + b * 0.162028;
  const Y = r * 0.283881 + g * 0.668433 + b * 0.047685;
  const Z = r * 0.000088 + g * 0.07231 + b * 0.986039;
  const sum = X + Y + Z;
  if (sum === 0) return [0, 0];
  return [roundTo(X / sum, 3), roundTo(Y / sum, 3)];
}

/** What a light in colour-temperature mode also reports: the same white as hs, rgb and xy. */
export function derivedColors(kelvin: number): {
  hs_color: [number, number];
  rgb_color: [number, number, number];
  xy_color: [number, number];
} {
  const [r, g, b] = colorTemperatureToRgb(kelvin);
  const hs = rgbToHs(r, g, b);
  return { hs_color: hs, rgb_color: hsToRgb(hs[0], hs[1]), xy_color: hsToXy(hs[0], hs[1]) };
}
