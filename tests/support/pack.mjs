// The npm package as a user installs it: `npm pack ./pkg` into an empty project.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "../..");
/** The built package: pkg/, or another build of it (the test suite's Debian-toolchain pass). */
export const pkgDir = process.env.MEDIAHOOK_PKG_DIR || join(root, "pkg");

/** A temp project with the packed tarball installed; returns its directory. */
export function installPackedPackage(prefix = "mediahook-pkg-") {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const out = execFileSync("npm", ["pack", pkgDir, "--pack-destination", project, "--silent"], { encoding: "utf8" });
  const tarball = out.trim().split("\n").at(-1);
  writeFileSync(join(project, "package.json"), '{ "name": "consumer", "private": true }\n');
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--silent", join(project, tarball)], {
    cwd: project,
  });
  return project;
}
