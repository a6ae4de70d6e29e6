import { packageTests } from '../../vitest.shared.ts';

export default packageTests({
  // Finds the system's Chromium for test/browser.test.ts, or stops at once saying how to install it.
  globalSetup: ['test/global-setup.ts'],
  // Screenshots attached to tests are copied here, beside the ones the tests write (git-ignored).
  attachmentsDir: 'test/artifacts/attachments',
});
