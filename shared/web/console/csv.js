// CSV for the bulk invitation: a parser that follows RFC 4180 and the table the console reads
// out of it. Spreadsheets export CSV in many small variations (a BOM, CRLF or LF, a semicolon
// where the locale uses the comma for decimals), so the parser accepts those and reports the one
// thing it cannot guess: a quoted field that never ends.

/** A file that cannot be read as CSV; `line` is where the problem starts (from 1). */
export class CsvError extends Error {
  constructor(message, line) {
    super(message);
    this.line = line;
  }
}

/**
 * The delimiter of `text`: a comma, unless the header line (outside quotes) has none and does
 * have semicolons or tabs, as Excel writes CSV in locales with a decimal comma.
 */
export function detectDelimiter(text) {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of stripBom(text)) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char in counts) counts[char] += 1;
  }
  if (counts[','] > 0) return ',';
  if (counts[';'] > 0) return ';';
  if (counts['\t'] > 0) return '\t';
  return ',';
}

function stripBom(text) {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The records of `text`, each `{line, fields}` (`line`: where the record starts, from 1).
 * Quoted fields may hold the delimiter, line breaks and doubled quotes; records end at CRLF, LF
 * or a lone CR; blank lines (and lines of empty fields only) are skipped. Fields are not trimmed.
 */
export function parseCsv(input, delimiter = detectDelimiter(input)) {
  const text = stripBom(String(input));
  const records = [];
  let fields = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let i = 0;

  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (fields.some((value) => value.trim() !== '')) records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < text.length) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      if (char === '\r' && text[i + 1] === '\n') {
        // A line break inside a field is kept as LF, the one every browser input uses.
        field += '\n';
        line += 1;
        i += 2;
        continue;
      }
      if (char === '\n' || char === '\r') {
        field += '\n';
        line += 1;
        i += 1;
        continue;
      }
      field += char;
      i += 1;
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      i += 1;
      continue;
    }
    if (char === delimiter) {
      endField();
      i += 1;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord();
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    // A stray quote inside an unquoted field (`5" screen`) is kept as it is, as spreadsheets do.
    field += char;
    i += 1;
  }
  if (quoted) {
    throw new CsvError(`A quoted field that starts on line ${quoteLine} never ends: a closing " is missing.`, quoteLine);
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** A header as the console compares it: `First Name`, `first_name` and `firstName` are one. */
export function normalizeHeader(name) {
  return String(name).trim().toLowerCase().replace(/[\s_\-.]+/g, '');
}

/**
 * Reads `text` as a table whose first record names the columns. `columns` are the names the
 * caller knows (e.g. `['email', 'firstName']`), matched with `normalizeHeader`.
 * Answers `{rows, ignored, missing, duplicated}`:
 *   rows        `{line, values}` per record after the header: `line` is where it starts in the
 *               file (the header's is 1), `values` maps each known column to its trimmed text
 *               ('' when the record has no such field)
 *   ignored     headers that name no known column (their values are left out)
 *   missing     known columns the header does not name
 *   duplicated  known columns named twice (the first one is used)
 */
export function readTable(text, columns) {
  const records = parseCsv(text);
  if (records.length === 0) return { rows: [], ignored: [], missing: [...columns], duplicated: [], header: [] };
  const [header, ...body] = records;
  const known = new Map(columns.map((column) => [normalizeHeader(column), column]));
  const index = new Map();
  const ignored = [];
  const duplicated = [];
  header.fields.forEach((name, at) => {
    const column = known.get(normalizeHeader(name));
    if (!column) {
      if (name.trim() !== '') ignored.push(name.trim());
    } else if (index.has(column)) {
      duplicated.push(column);
    } else {
      index.set(column, at);
    }
  });
  const missing = columns.filter((column) => !index.has(column));
  const rows = body.map((record) => {
    const values = {};
    for (const column of columns) {
      const position = index.get(column);
      values[column] = position === undefined ? '' : (record.fields[position] ?? '').trim();
    }
    return { line: record.line, values };
  });
  return { rows, ignored, missing, duplicated, header: header.fields };
}
