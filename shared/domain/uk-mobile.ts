import { type MetadataJson, parsePhoneNumberFromString } from 'libphonenumber-js/core';

// The metadata for +44 only, with number types (npm run metadata:phone): 4 KB in each bundle, not 150 KB.
import ukMetadata from './uk-phone-metadata.json' with { type: 'json' };

/**
 * Ofcom keeps ranges for drama and documentation (07700 900xxx for mobiles; 01632 960xxx, 020 7946
 * 0xxx and the big cities' 0xxx 496 0xxx for landlines); libphonenumber (rightly) calls them invalid,
 * but examples, test data and training systems use them, so they are accepted.
 */
const OFCOM_DRAMA_RANGE = /^7700900\d{3}$/;
const OFCOM_DRAMA_LANDLINES = /^(1632960\d{3}|2079460\d{3}|1(1[3-8]|[2-6]1)4960\d{3})$/;

const parseUk = (input: string) => {
  if (input.length > 30) return undefined;
  const parsed = parsePhoneNumberFromString(input, 'GB', ukMetadata as unknown as MetadataJson);
  return parsed?.countryCallingCode === '44' ? parsed : undefined;
};

/**
 * Normalises a UK mobile number written in any usual form ("07700 900123", "+44 7700 900123",
 * "0044 7700 900123", "(07700) 900-123") to E.164, or returns null for anything that is not a UK
 * mobile (landlines, other countries, nonsense): only a mobile can be texted.
 */
export function normaliseUkMobile(input: string): string | null {
  const parsed = parseUk(input);
  if (!parsed) return null;
  if (parsed.getType() === 'MOBILE' || OFCOM_DRAMA_RANGE.test(parsed.nationalNumber)) return parsed.number;
  return null;
}

/**
 * Normalises any UK telephone number a person can be phoned on (a landline, a mobile, a
 * non-geographic number such as 0300) to E.164, or null (another country, too short, nonsense).
 */
export function normaliseUkPhone(input: string): string | null {
  const parsed = parseUk(input);
  if (!parsed) return null;
  const national = parsed.nationalNumber;
  if (parsed.isValid() || OFCOM_DRAMA_RANGE.test(national) || OFCOM_DRAMA_LANDLINES.test(national)) return parsed.number;
  return null;
}

/** A stored (E.164) UK number as people read and dial it: "07700 900123". */
export function ukNational(e164: string): string {
  return parsePhoneNumberFromString(e164, 'GB', ukMetadata as unknown as MetadataJson)?.formatNational() ?? e164;
}
