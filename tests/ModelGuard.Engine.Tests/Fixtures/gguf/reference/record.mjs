// Records the verdict of the reference reader @huggingface/gguf (npm, see package.json; ./install.sh installs it) on every
// committed GGUF fixture (../real, ../written, ../malformed) and on deterministic mutations of them, into verdicts.tsv.
// ModelGuard's GgufReferenceVerdictTests replays the table without Node.js: every file the reference rejects must be flagged.
//
// Usage: node record.mjs [mutations per seed, default 300]
// Row: source <TAB> mutation <TAB> verdict. A mutation is a list of operations joined by ';', applied in order:
//   u8@O=V, u32@O=V, u64@O=V  write a little-endian value at offset O
//   cut=N                      keep only the first N bytes
//   ins@O=HEX                  insert bytes at offset O
//   del@O+N                    delete N bytes at offset O
// The verdict is OK, or REJECT: and the reference's error message with numbers replaced by #.
import { gguf } from "@huggingface/gguf";
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const perSeed = Number(process.argv[2] ?? 300);
const folders = ["real", "written", "malformed"];

// xorshift32 with a fixed seed per file name: the same table on every run.
function rng(name) {
  let state = 2166136261;
  for (const c of name) state = Math.imul(state ^ c.charCodeAt(0), 16777619) >>> 0;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 4294967296;
  };
}

// Offsets of the structural fields (counts, lengths, types, dimensions, offsets), found by walking the layout the
// specification describes; a mutation aims at them most of the time.
function fields(buf) {
  const found = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  try {
    const version = view.getUint32(4, true);
    const wide = version >= 2;
    const size = wide ? 8 : 4;
    const len = (o) => (wide ? Number(view.getBigUint64(o, true)) : view.getUint32(o, true));
    let o = 8;
    found.push({ o: 4, w: 4 });
    found.push({ o, w: size }); const nt = len(o); o += size;
    found.push({ o, w: size }); const nk = len(o); o += size;
    const skipValue = (type) => {
      const fixed = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 }[type];
      if (fixed) { found.push({ o, w: fixed }); o += fixed; return; }
      if (type === 8) { found.push({ o, w: size }); o += size + len(o); return; }
      if (type === 9) {
        found.push({ o, w: 4 }); const et = view.getUint32(o, true); o += 4;
        found.push({ o, w: size }); const n = len(o); o += size;
        for (let i = 0; i < n && i < 64; i++) skipValue(et);
        if (n >= 64) throw new Error("long array");
        return;
      }
      throw new Error("type");
    };
    for (let i = 0; i < nk; i++) {
      found.push({ o, w: size }); o += size + len(o);
      found.push({ o, w: 4 }); const t = view.getUint32(o, true); o += 4;
      skipValue(t);
    }
    for (let i = 0; i < nt; i++) {
      found.push({ o, w: size }); o += size + len(o);
      found.push({ o, w: 4 }); const nd = view.getUint32(o, true); o += 4;
      for (let d = 0; d < nd && d < 16; d++) { found.push({ o, w: size }); o += size; }
      found.push({ o, w: 4 }); o += 4;
      found.push({ o, w: 8 }); o += 8;
    }
    found.push({ o, w: 0 });
  } catch {
    // A long array or a malformed seed: the fields found so far are enough.
  }
  return found.filter((f) => f.o + f.w <= buf.length);
}

const interesting = [0n, 1n, 2n, 3n, 4n, 7n, 8n, 9n, 12n, 13n, 31n, 32n, 63n, 64n, 65n, 255n, 256n, 65535n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 62n, 2n ** 63n - 1n, 2n ** 64n - 1n];

function mutation(buf, next, spots) {
  const ops = [];
  const count = 1 + Math.floor(next() * 2);
  for (let k = 0; k < count; k++) {
    const pick = next();
    const spot = spots.length > 0 && pick < 0.75 ? spots[Math.floor(next() * spots.length)] : null;
    if (spot && spot.w > 0) {
      let value = interesting[Math.floor(next() * interesting.length)];
      if (next() < 0.3) value = BigInt(Math.floor(next() * 300));
      if (next() < 0.2) value = BigInt(buf.length) + BigInt(Math.floor(next() * 5)) - 2n;
      const width = spot.w === 1 ? 8 : spot.w === 2 ? 32 : spot.w * 8;
      const masked = value & ((1n << BigInt(width)) - 1n);
      ops.push(spot.w === 8 ? `u64@${spot.o}=${masked}` : spot.w === 1 || spot.w === 2 ? `u8@${spot.o}=${masked & 255n}` : `u32@${spot.o}=${masked}`);
    } else if (pick < 0.82) {
      const at = spot ? spot.o : Math.floor(next() * buf.length);
      ops.push(`cut=${Math.max(0, at + Math.floor(next() * 9) - 4)}`);
    } else if (pick < 0.9) {
      const at = Math.floor(next() * Math.min(buf.length, 4096));
      ops.push(`u8@${at}=${Math.floor(next() * 256)}`);
    } else if (pick < 0.95) {
      const at = spot ? spot.o : Math.floor(next() * Math.min(buf.length, 4096));
      const n = 1 + Math.floor(next() * 8);
      ops.push(`ins@${at}=${Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))).toString("hex")}`);
    } else {
      const at = spot ? spot.o : Math.floor(next() * Math.min(buf.length, 4096));
      ops.push(`del@${at}+${1 + Math.floor(next() * 8)}`);
    }
  }
  return ops.join(";");
}

export function apply(buf, ops) {
  let out = Buffer.from(buf);
  for (const op of ops.split(";").filter((x) => x.length > 0)) {
    let m;
    if ((m = /^u(8|32|64)@(\d+)=(\d+)$/.exec(op))) {
      const at = Number(m[2]);
      const bytes = Number(m[1]) / 8;
      if (at + bytes > out.length) continue;
      if (bytes === 1) out.writeUInt8(Number(m[3]), at);
      else if (bytes === 4) out.writeUInt32LE(Number(m[3]), at);
      else out.writeBigUInt64LE(BigInt(m[3]), at);
    } else if ((m = /^cut=(\d+)$/.exec(op))) {
      out = out.subarray(0, Math.min(out.length, Number(m[1])));
    } else if ((m = /^ins@(\d+)=([0-9a-f]+)$/.exec(op))) {
      const at = Math.min(out.length, Number(m[1]));
      out = Buffer.concat([out.subarray(0, at), Buffer.from(m[2], "hex"), out.subarray(at)]);
    } else if ((m = /^del@(\d+)\+(\d+)$/.exec(op))) {
      const at = Math.min(out.length, Number(m[1]));
      out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + Number(m[2])))]);
    } else {
      throw new Error("unknown operation " + op);
    }
  }
  return out;
}

// Files are read by a child process with 512 MB of heap that serves one path per line: the reference runs out of memory
// on some crafted counts, which kills the child and is recorded as CRASH (a reject ModelGuard must flag too); the next
// file gets a fresh child. A file that takes more than 20 s is CRASH:timeout.
if (process.argv[2] === "--serve") {
  const lines = createInterface({ input: process.stdin });
  for await (const path of lines) {
    let verdict;
    try {
      await gguf(path, { allowLocalFile: true });
      verdict = "OK";
    } catch (error) {
      verdict = "REJECT:" + String(error?.message ?? error).replace(/\d+/g, "#").replace(/[\t\r\n]+/g, " ").slice(0, 120);
    }
    process.stdout.write("VERDICT " + verdict + "\n");
  }
  process.exit(0);
}

class Server {
  start() {
    const child = spawn(process.execPath, ["--max-old-space-size=512", fileURLToPath(import.meta.url), "--serve"], { stdio: ["pipe", "pipe", "ignore"] });
    this.child = child;
    this.pending = null;
    child.exitReason = null;
    child.stdin.on("error", () => {});
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith("VERDICT ") && this.child === child && this.pending) this.settle(line.slice(8));
    });
    child.on("exit", (code, signal) => {
      child.exitReason = "CRASH:exit " + (code ?? signal);
      if (this.child === child && this.pending) this.settle(null);
    });
  }

  settle(value) {
    const resolve = this.pending;
    this.pending = null;
    clearTimeout(this.timer);
    resolve(value);
  }

  async verdict(path) {
    if (!this.child || this.child.exitReason) this.start();
    const child = this.child;
    const answer = new Promise((resolve) => {
      this.pending = resolve;
      this.timer = setTimeout(() => this.settle(undefined), 20000);
    });
    child.stdin.write(path + "\n");
    const verdict = await answer;
    if (typeof verdict === "string") return verdict;
    const crash = verdict === undefined ? "CRASH:timeout" : child.exitReason;
    child.kill("SIGKILL");
    this.child = null;
    return crash;
  }
}

const server = new Server();
const scratch = mkdtempSync(join(tmpdir(), "gguf-ref-"));
const rows = [];
try {
  for (const folder of folders) {
    for (const name of readdirSync(join(here, "..", folder)).filter((n) => n.endsWith(".gguf")).sort()) {
      const source = `${folder}/${name}`;
      const seed = readFileSync(join(here, "..", folder, name));
      const next = rng(source);
      const spots = fields(seed);
      const budget = folder === "malformed" ? Math.floor(perSeed / 10) : folder === "real" ? Math.floor(perSeed / 2) : perSeed;
      const seen = new Set();
      const path = join(scratch, "m.gguf");
      for (let i = -1; i < budget; i++) {
        const ops = i < 0 ? "" : mutation(seed, next, spots);
        if (seen.has(ops)) continue;
        seen.add(ops);
        writeFileSync(path, apply(seed, ops));
        rows.push(`${source}\t${ops}\t${await server.verdict(path)}`);
        if (rows.length % 200 === 0) process.stderr.write(`${rows.length} rows (${source})\n`);
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  server.child?.kill("SIGKILL");
}

const header = [
  "# Verdicts of @huggingface/gguf 0.4.6 (gguf(path, { allowLocalFile: true })) on the committed GGUF fixtures and deterministic",
  "# mutations of them, recorded by record.mjs (node record.mjs " + perSeed + "). Columns: fixture, mutation (empty: the fixture itself), verdict.",
];
writeFileSync(join(here, "verdicts.tsv"), header.concat(rows).join("\n") + "\n");
const rejected = rows.filter((r) => r.includes("\tREJECT:")).length;
console.log(`${rows.length} rows, ${rejected} rejected`);
