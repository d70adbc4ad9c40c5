import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Flash } from '../../hal/flash';

describe('Flash on disk', () => {
  let directory: string;
  let flash: Flash;

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'vigor-flash-'));
    flash = new Flash(path.join(directory, 'router-1'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function filePath(name: string): string {
    return path.join(directory, 'router-1', name);
  }

  test('constructor creates router directory', () => {
    expect(existsSync(path.join(directory, 'router-1'))).toBe(true);
    expect(flash.persistent).toBe(true);
  });

  test('write then read round trip', async () => {
    const data = { name: 'Lab router', nested: { ports: [80, 443] }, enabled: true };

    await flash.file('settings.json').write(data);
    const result = await flash.file('settings.json').read();

    expect(result).toEqual({ status: 'ok', data });
    expect(JSON.parse(readFileSync(filePath('settings.json'), 'utf8'))).toEqual(data);
  });

  test('write survives new Flash instance', async () => {
    await flash.file('settings.json').write({ value: 7 });

    const reopened = new Flash(path.join(directory, 'router-1'));

    expect(await reopened.file('settings.json').read()).toEqual({ status: 'ok', data: { value: 7 } });
  });

  test('read returns independent copies', async () => {
    const file = flash.file<{ list: number[] }>('settings.json');
    await file.write({ list: [1] });

    const first = await file.read();
    if (first.status === 'ok') first.data.list.push(2);

    expect(await file.read()).toEqual({ status: 'ok', data: { list: [1] } });
  });

  test('write snapshots data at call', async () => {
    const data = { value: 1 };
    const written = flash.file('settings.json').write(data);
    data.value = 2;
    await written;

    expect(JSON.parse(readFileSync(filePath('settings.json'), 'utf8'))).toEqual({ value: 1 });
  });

  test('missing file reports missing', async () => {
    expect(await flash.file('absent.json').read()).toEqual({ status: 'missing' });
  });

  test.each([
    ['garbage', 'this is not JSON at all \u0000\u0001'],
    ['truncated JSON', '{"schemaVersion": 1, "management": {"routerName": "Dray'],
    ['empty content', ''],
    ['JSON null', 'null'],
  ])('%s reports corrupt', async (_label, content) => {
    writeFileSync(filePath('config.json'), content);

    const result = await flash.file('config.json').read();

    expect(result.status).toBe('corrupt');
    expect(result).toHaveProperty('reason', expect.stringContaining('config.json'));
  });

  test('deleted file reads as missing', async () => {
    const file = flash.file('config.json');
    await file.write({ value: 1 });
    expect((await file.read()).status).toBe('ok');

    unlinkSync(filePath('config.json'));

    expect(await file.read()).toEqual({ status: 'missing' });
  });

  test('file nulled on disk reads corrupt', async () => {
    const file = flash.file('config.json');
    await file.write({ value: 1 });

    writeFileSync(filePath('config.json'), 'null');

    expect((await file.read()).status).toBe('corrupt');
  });

  test('writes land in call order', async () => {
    const file = flash.file<{ sequence: number }>('config.json');

    const writes = Array.from({ length: 20 }, (_, index) => file.write({ sequence: index + 1 }));
    await Promise.all(writes);
    await file.flush();

    expect(await file.read()).toEqual({ status: 'ok', data: { sequence: 20 } });
    expect(JSON.parse(readFileSync(filePath('config.json'), 'utf8'))).toEqual({ sequence: 20 });
  });

  test('flush waits for queued writes', async () => {
    const file = flash.file('config.json');
    void file.write({ sequence: 1 });
    void file.write({ sequence: 2 });

    await flash.flush();

    expect(JSON.parse(readFileSync(filePath('config.json'), 'utf8'))).toEqual({ sequence: 2 });
  });

  test('preserve copies file aside', async () => {
    await flash.file('config.json').write({ routerName: 'Before' });

    await flash.preserve('config.json', 'config.json.rejected');
    await flash.file('config.json').write({ routerName: 'After' });

    expect(JSON.parse(readFileSync(filePath('config.json.rejected'), 'utf8'))).toEqual({ routerName: 'Before' });
    expect(JSON.parse(readFileSync(filePath('config.json'), 'utf8'))).toEqual({ routerName: 'After' });
  });

  test('preserve copies unparseable content', async () => {
    writeFileSync(filePath('config.json'), '{{{ garbage');

    await flash.preserve('config.json', 'config.json.rejected');

    expect(readFileSync(filePath('config.json.rejected'), 'utf8')).toBe('{{{ garbage');
  });

  test('preserve of missing file does nothing', async () => {
    await flash.preserve('absent.json', 'absent.json.rejected');

    expect(readdirSync(path.join(directory, 'router-1'))).toEqual([]);
  });

  test('file returns one handle per name', () => {
    expect(flash.file('config.json')).toBe(flash.file('config.json'));
  });

  test.each(['Config.json', 'config.txt', '../config.json', '.hidden.json', 'sub/config.json'])('file rejects name %p', (name) => {
    expect(() => flash.file(name)).toThrow(/Invalid flash file name/);
  });
});

describe('Flash in memory', () => {
  test('memory mode round trip', async () => {
    const flash = new Flash(null);
    const file = flash.file('config.json');

    expect(flash.persistent).toBe(false);
    expect(await file.read()).toEqual({ status: 'missing' });

    await file.write({ routerName: 'Ephemeral' });

    expect(await file.read()).toEqual({ status: 'ok', data: { routerName: 'Ephemeral' } });
  });

  test('memory mode writes last wins', async () => {
    const file = new Flash(null).file<{ sequence: number }>('config.json');

    await Promise.all([file.write({ sequence: 1 }), file.write({ sequence: 2 }), file.write({ sequence: 3 })]);

    expect(await file.read()).toEqual({ status: 'ok', data: { sequence: 3 } });
  });

  test('memory preserve does nothing', async () => {
    const flash = new Flash(null);
    await flash.file('config.json').write({ value: 1 });

    await expect(flash.preserve('config.json', 'config.json.rejected')).resolves.toBeUndefined();
  });
});
