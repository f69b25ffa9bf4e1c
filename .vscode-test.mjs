// @vscode/test-cli configuration (`npx vscode-test`, package @vscode/test-cli on top of @vscode/test-electron):
// runs test/e2e/electron/ inside the extension host of a real desktop VS Code. It downloads that VS Code
// first, so it needs internet (and a display, e.g. xvfb-run, on Linux). Machines without either run the
// same extension in code-server instead: `npm run test:e2e`.
const root = import.meta.dirname;

export default {
  label: 'extension-host',
  files: `${root}/test/e2e/electron/**/*.electron.test.ts`,
  // The oldest VS Code that engines.vscode (^1.100.0) allows, the same one code-server 4.100.3 embeds.
  version: '1.100.3',
  extensionDevelopmentPath: root,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: {
    ui: 'bdd',
    timeout: 60_000,
    // The tests are TypeScript; tsx compiles them inside the extension host as they load.
    preload: ['tsx/cjs'],
  },
};
