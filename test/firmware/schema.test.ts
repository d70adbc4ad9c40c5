/** The shared compiled validators of firmware/config/schema.ts. */
import { compile } from '../../firmware/config/schema';

function portSchema(minimum = 1) {
  return { type: 'object', properties: { port: { type: 'integer', minimum } }, required: ['port'], additionalProperties: false };
}

describe('schema compile', () => {
  test('equal schemas share one validator', () => {
    expect(compile(portSchema())).toBe(compile(portSchema()));
  });

  test('different schemas get their own', () => {
    expect(compile(portSchema(1))).not.toBe(compile(portSchema(2)));
  });

  test('shared validator reports each call', () => {
    const validate = compile(portSchema());

    expect(validate({ port: 0 })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/port');
    expect(validate({ port: 80 })).toBe(true);
    expect(validate.errors).toBeNull();
  });
});
