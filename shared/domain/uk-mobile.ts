import { type MetadataJson, parsePhoneNumberFromString } from 'libphonenumber-js/core';

// The mobile metadata for +44 only (npm run metadata:phone): 3 KB in each bundle, not 100 KB.
import ukMetadata from './uk-phone-metadata.json' with { type: 'json' };

/**
 * Ofcom keeps 07700 900000-900999 for drama and documentation; libphonenumber (rightly) calls them
 * invalid, but examples, test data and training systems use them, so they are accepted as mobiles.
 */
const OFCOM_DRAMA_RANGE = /^7700900\d{3}$/;

/**
 * Normalises a UK mobile number written in any usual form ("07700 900123", "+44 7700 900123",
 * "0044 7700 900123", "(07700) 900-123") to E.164, or returns null for anything that is not a UK
 * mobile (landlines, other countries, nonsense). The "mobile" metadata only validates mobiles.
 */
export function normaliseUkMobile(input: string): string | null {
  if (input.length > 30) return null;
  const parsed = parsePhoneNumberFromString(input, 'GB', ukMetadata as unknown as MetadataJson);
  if (!parsed || parsed.countryCallingCode !== '44') return null;
  if (parsed.isValid() || OFCOM_DRAMA_RANGE.test(parsed.nationalNumber)) return parsed.number;
  return null;
}

/** A stored (E.164) UK number as people read and dial it: "07700 900123". */
export function ukNational(e164: string): string {
  return parsePhoneNumberFromString(e164, 'GB', ukMetadata as unknown as MetadataJson)?.formatNational() ?? e164;
}
