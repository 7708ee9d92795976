import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { hrvCommand, parseRrText } from "../../hub/detect/index.js";
import { datasetPath, hasDataset } from "./datasets.js";

function io(files: Record<string, string> = {}) {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (s: string) => {
        out.stdout += s;
      },
      stderr: (s: string) => {
        out.stderr += s;
      },
      readFile: async (p: string) => {
        const f = files[p];
        if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
        return f;
      },
    },
  };
}

describe("hrv command", () => {
  it("--json prints exactly the documented keys", async () => {
    const { out, io: x } = io({ "rr.txt": "800\n810\n815\n750\n" });
    expect(await hrvCommand(["rr.txt", "--json"], x)).toBe(0);
    const j = JSON.parse(out.stdout) as Record<string, number>;
    expect(Object.keys(j)).toEqual(["n", "mean_nn_ms", "sdnn_ms", "rmssd_ms", "pnn50_pct", "mean_hr_bpm"]);
    expect(j.n).toBe(4);
    expect(j.mean_nn_ms).toBeCloseTo(793.75, 10);
  });

  it("ignores blanks and comments, counts zero and junk lines, and says so", async () => {
    const { out, io: x } = io({ "rr.txt": "# polar export\n800\n\n0\nabc\r\n810\n805\n" });
    expect(parseRrText("# c\n800\n\n0\nabc\n810\n")).toEqual({ rr: [800, 810], ignored: 2 });
    expect(await hrvCommand(["rr.txt"], x)).toBe(0);
    expect(out.stderr).toMatch(/ignored 2 lines/);
    expect(out.stdout).toMatch(/RMSSD/);
    expect(out.stdout).toMatch(/NN intervals\s+3/);
  });

  it("filters artefacts unless --no-filter", async () => {
    const rr = [800, 810, 790, 805, 795, 1600, 800, 810, 790, 800, 805].join("\n");
    const a = io({ f: rr });
    await hrvCommand(["f", "--json"], a.io);
    expect(JSON.parse(a.out.stdout).n).toBe(10);
    expect(a.out.stderr).toMatch(/dropped 1 of 11/);
    const b = io({ f: rr });
    await hrvCommand(["f", "--json", "--no-filter"], b.io);
    expect(JSON.parse(b.out.stdout).n).toBe(11);
  });

  it("fails clearly on a missing file, an empty file and a bad command line", async () => {
    const a = io();
    expect(await hrvCommand(["nope.txt"], a.io)).toBe(1);
    expect(a.out.stderr).toMatch(/cannot read nope.txt: no such file/);
    const b = io({ e: "# nothing\n\n0\n" });
    expect(await hrvCommand(["e"], b.io)).toBe(1);
    expect(b.out.stderr).toMatch(/no RR intervals/);
    const c = io();
    expect(await hrvCommand([], c.io)).toBe(2);
    expect(await hrvCommand(["a", "--bogus"], c.io)).toBe(2);
    expect(c.out.stderr).toMatch(/usage: calm-hub hrv/);
  });

  it.runIf(hasDataset("hrv-reference"))(
    "reads a real file (rhenanbartels real_rri: 771 values and a 0 line)",
    async () => {
      const out = { stdout: "", stderr: "" };
      const code = await hrvCommand(
        [datasetPath("hrv-reference/rhenanbartels-hrv/real_rri.txt"), "--json", "--no-filter"],
        {
          stdout: (s) => {
            out.stdout += s;
          },
          stderr: (s) => {
            out.stderr += s;
          },
          readFile: (p) => readFile(p, "utf8"),
        },
      );
      expect(code).toBe(0);
      expect(JSON.parse(out.stdout).n).toBe(771);
      expect(out.stderr).toMatch(/ignored 1 line/);
    },
  );
});
