import { SYSLOG_CAPACITY, Syslog, type SyslogEntry } from '../../firmware/syslog';

const START = Date.parse('2026-01-15T08:00:00.000Z');

describe('Syslog', () => {
  let labTime: number;
  let syslog: Syslog;

  beforeEach(() => {
    labTime = START;
    syslog = new Syslog(() => labTime);
  });

  /** Adds one entry of each severity in four categories. */
  function addMixedEntries(): void {
    syslog.error('WAN', 'wan error');
    syslog.warning('WAN', 'wan warning');
    syslog.notice('Config', 'config notice');
    syslog.info('LAN', 'lan info');
    syslog.add('debug', 'System', 'system debug');
  }

  test('add records time and sequence', () => {
    const first = syslog.notice('System', 'first');
    labTime += 1500;
    const second = syslog.warning('WAN', 'second');

    expect(first).toEqual({ seq: 1, time: START, severity: 'notice', category: 'System', message: 'first' });
    expect(second).toEqual({ seq: 2, time: START + 1500, severity: 'warning', category: 'WAN', message: 'second' });
  });

  test('add emits entry event', () => {
    const seen: SyslogEntry[] = [];
    syslog.on('entry', (entry: SyslogEntry) => seen.push(entry));

    const entry = syslog.info('LAN', 'LAN2 link up');

    expect(seen).toEqual([entry]);
  });

  test('ring buffer drops oldest entries', () => {
    for (let index = 1; index <= SYSLOG_CAPACITY + 5; index += 1) syslog.info('System', `entry ${index}`);

    const entries = syslog.query();

    expect(entries).toHaveLength(SYSLOG_CAPACITY);
    expect(entries[0]).toMatchObject({ seq: 6, message: 'entry 6' });
    expect(entries[entries.length - 1]).toMatchObject({ seq: SYSLOG_CAPACITY + 5, message: `entry ${SYSLOG_CAPACITY + 5}` });
  });

  test('query filters by category', () => {
    addMixedEntries();

    expect(syslog.query({ category: 'WAN' }).map((entry) => entry.message)).toEqual(['wan error', 'wan warning']);
  });

  test('query severity includes more severe', () => {
    addMixedEntries();

    expect(syslog.query({ severity: 'warning' }).map((entry) => entry.message)).toEqual(['wan error', 'wan warning']);
    expect(syslog.query({ severity: 'error' }).map((entry) => entry.message)).toEqual(['wan error']);
    expect(syslog.query({ severity: 'debug' })).toHaveLength(5);
  });

  test('query after returns newer entries', () => {
    addMixedEntries();

    expect(syslog.query({ after: 3 }).map((entry) => entry.seq)).toEqual([4, 5]);
    expect(syslog.query({ after: 5 })).toEqual([]);
  });

  test('query limit keeps newest', () => {
    addMixedEntries();

    expect(syslog.query({ limit: 2 }).map((entry) => entry.message)).toEqual(['lan info', 'system debug']);
    expect(syslog.query({ limit: 50 })).toHaveLength(5);
  });

  test('query limit zero returns nothing', () => {
    addMixedEntries();

    expect(syslog.query({ limit: 0 })).toEqual([]);
  });

  test('query combines filters', () => {
    addMixedEntries();
    syslog.warning('WAN', 'second wan warning');

    const entries = syslog.query({ category: 'WAN', severity: 'warning', after: 1, limit: 1 });

    expect(entries.map((entry) => entry.message)).toEqual(['second wan warning']);
  });

  test('query returns oldest first', () => {
    addMixedEntries();

    const sequences = syslog.query().map((entry) => entry.seq);

    expect(sequences).toEqual([1, 2, 3, 4, 5]);
  });

  test('clear keeps sequence increasing', () => {
    syslog.info('System', 'before clear');

    syslog.clear();
    const next = syslog.info('System', 'after clear');

    expect(syslog.query()).toEqual([next]);
    expect(next.seq).toBe(2);
  });

  test('exportText one line per entry', () => {
    syslog.notice('System', 'Router started');
    labTime += 61_000;
    syslog.warning('WAN', 'WAN1 link down (cable unplugged)');

    expect(syslog.exportText('Lab-Router')).toBe(
      '2026-01-15T08:00:00.000Z Lab-Router NOTICE [System] Router started\n' +
        '2026-01-15T08:01:01.000Z Lab-Router WARNING [WAN] WAN1 link down (cable unplugged)\n',
    );
  });

  test('exportText of empty log', () => {
    expect(syslog.exportText('Lab-Router')).toBe('');
  });
});
