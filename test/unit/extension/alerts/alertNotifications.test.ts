import assert from 'node:assert/strict';
import type { Alert } from '../../../../src/core/alerts';
import { ManualClock } from '../../../../src/core/clock';
import { DEFAULT_CONFIG } from '../../../../src/core/config';
import type { HostedEngine } from '../../../../src/core/engine';
import { AlertNotifications } from '../../../../src/extension/alerts/alertNotifications';
import { CacheSnapshots } from '../../../../src/extension/engine/cacheSnapshots';
import { EngineHost } from '../../../../src/extension/engine/engineHost';
import { alertChildren } from '../../../../src/extension/views/alertTreeNodes';
import { TierTreeModel } from '../../../../src/extension/views/tierTreeModel';
import { fakeEngine, recordingLogger, snapshot, type FakeEngine } from '../../../helpers/extensionDoubles';

const HOUR = 3_600_000;

const lowResult: Alert = {
  kind: 'hitRate',
  subject: 'result',
  value: 0.4,
  threshold: 0.7,
  message: 'result layer hit rate is 40 % over 50 lookups, below its 70 % target',
};
const lowModule: Alert = { ...lowResult, subject: 'module', message: 'module layer hit rate is 50 % over 40 lookups, below its 90 % target' };
const redisFailing: Alert = { kind: 'tierErrors', subject: 'redis', value: 0.2, threshold: 0.05, message: 'Redis failed 4 of 20 operations (20 %, above 5 %)' };

describe('Alert notifications (extension)', () => {
  let clock: ManualClock;
  let timers: ManualClock;
  let engines: FakeEngine[];
  let host: EngineHost<HostedEngine>;
  let warnings: string[];
  let notifications: AlertNotifications;

  beforeEach(async () => {
    clock = new ManualClock(0);
    timers = new ManualClock();
    engines = [];
    warnings = [];
    host = new EngineHost({
      logger: recordingLogger(),
      secrets: async () => ({}),
      workflows: async () => ({ workflows: [], problems: [] }),
      timers,
      open: async (options) => {
        const fake = fakeEngine();
        fake.engine.applyConfig(options.config);
        engines.push(fake);
        return fake.engine;
      },
    });
    notifications = new AlertNotifications({ host, logger: recordingLogger(), warn: (message) => warnings.push(message), clock });
    await host.start(DEFAULT_CONFIG);
  });

  afterEach(async () => {
    notifications.dispose();
    await host.close();
  });

  function raise(alerts: Alert[], engine = engines[engines.length - 1] as FakeEngine): void {
    engine.currentAlerts = alerts;
    engine.alertEvents.emit('change', alerts);
  }

  it('shows one notification per alert kind, then none of that kind for an hour', () => {
    raise([lowResult, lowModule, redisFailing]);
    assert.deepEqual(warnings, [`Claude Cache: ${lowResult.message}.`, `Claude Cache: ${redisFailing.message}.`]);
    raise([]);
    clock.advance(HOUR - 1);
    raise([lowModule]);
    assert.equal(warnings.length, 2, 'the hit-rate kind was shown less than an hour ago');
    clock.advance(1);
    raise([lowModule]);
    assert.equal(warnings[2], `Claude Cache: ${lowModule.message}.`);
  });

  it('shows none while claudeCache.alerts.notifications is off', async () => {
    await host.applyConfig({ ...DEFAULT_CONFIG, alerts: { notifications: false } });
    raise([lowResult]);
    assert.deepEqual(warnings, []);
  });

  it('repaints the views when alerts change, so the tree lists them', async () => {
    const snapshots = new CacheSnapshots(host, recordingLogger());
    let repaints = 0;
    snapshots.events.on('snapshot', () => (repaints += 1));
    raise([lowResult]);
    await snapshots.refresh();
    assert.ok(repaints >= 1);
    assert.deepEqual(snapshots.latest?.alerts, [lowResult]);
    snapshots.dispose();
  });

  it("follows a reopened engine and ignores the old one's alerts", async () => {
    const first = engines[0] as FakeEngine;
    await host.restart(DEFAULT_CONFIG);
    raise([lowResult], first);
    assert.deepEqual(warnings, []);
    raise([redisFailing]);
    assert.equal(warnings.length, 1);
  });
});

describe('Alerts in the tier tree', () => {
  it('shows an Alerts node first, with one child per alert, only while some are active', () => {
    const model = new TierTreeModel();
    model.update(snapshot({}));
    assert.equal(model.roots().some((node) => node.kind === 'alerts'), false);

    model.update({ ...snapshot({}), alerts: [lowResult, redisFailing] });
    const [root] = model.roots();
    assert.equal(root?.kind, 'alerts');
    const rootView = model.present(root as NonNullable<typeof root>, 0);
    assert.equal(rootView.label, 'Alerts');
    assert.equal(rootView.description, '2 active');
    assert.equal(rootView.contextValue, 'alerts');
    assert.match(rootView.tooltip, /- Redis failed 4 of 20 operations/);

    const children = alertChildren(root as Parameters<typeof alertChildren>[0]);
    const views = children.map((child) => model.present(child, 0));
    assert.deepEqual(
      views.map((view) => view.label),
      ['Low hit rate: result', 'Tier failing: redis'],
    );
    assert.equal(views[0]?.description, lowResult.message);
    assert.equal(views[0]?.collapsible, false);
    assert.deepEqual(alertChildren(children[0] as Parameters<typeof alertChildren>[0]), []);
  });
});
