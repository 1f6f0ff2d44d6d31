/**
 * `npm run metadata:phone`: writes shared/domain/uk-phone-metadata.json, libphonenumber-js's full
 * ("max") metadata cut down to the +44 numbering plan (GB and the Crown Dependencies), with each
 * number type's pattern (mobile, fixed line, ...) so that a mobile can be told from a landline.
 * Bundles then carry about 4 KB of metadata instead of 150 KB for every country. A test checks the file still matches
 * the installed libphonenumber-js, so an upgrade that changes UK metadata says to re-run this.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const UK_METADATA_FILE = fileURLToPath(new URL('../shared/domain/uk-phone-metadata.json', import.meta.url));

interface Metadata {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, unknown>;
  nonGeographic?: Record<string, unknown>;
}

export function ukPhoneMetadata(): Metadata {
  const file = createRequire(import.meta.url).resolve('libphonenumber-js/metadata.max.json');
  const all = JSON.parse(readFileSync(file, 'utf8')) as Metadata;
  const regions = all.country_calling_codes['44']!;
  return {
    version: all.version,
    country_calling_codes: { '44': regions },
    countries: Object.fromEntries(regions.map((region) => [region, all.countries[region]])),
    nonGeographic: {},
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(UK_METADATA_FILE, `${JSON.stringify(ukPhoneMetadata())}\n`);
  console.log(`wrote ${UK_METADATA_FILE}`);
}
