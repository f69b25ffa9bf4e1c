import assert from 'node:assert/strict';
import { desktopCodeArgs } from '../../../../tools/start/desktopCode';

describe('desktopCodeArgs', () => {
  it('opens the workspace in a new window with the extension loaded from the repository', () => {
    assert.deepEqual(desktopCodeArgs('/src/repo', '/home/me/project'), [
      '--new-window',
      '--extensionDevelopmentPath=/src/repo',
      '/home/me/project',
    ]);
  });
});
