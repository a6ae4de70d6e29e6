import { packageTests } from '../../vitest.shared.ts';

export default packageTests({
  // Installs Debian's Chromium when it is missing, for test/browser.test.ts.
  globalSetup: ['test/global-setup.ts'],
  // Screenshots attached to tests are copied here, beside the ones the tests write (git-ignored).
  attachmentsDir: 'test/artifacts/attachments',
});
