#!/usr/bin/env node
// Validates FHIR R4 JSON resources with the npm package "fhir" (FHIR.js:
// structure, cardinality, types, required value sets of the R4 definitions).
//
//   node fhir_validate.mjs [--expect-invalid] [FILE | DIR | -]...
//
// A DIR stands for its *.json files, "-" (or no argument) for one JSON
// value on stdin; a JSON array is a list of resources. A Bundle is
// validated whole and each entry's resource again on its own, so a
// message names the entry that is wrong. Prints one line per resource;
// exits 1 when any is invalid (with --expect-invalid: when any is valid,
// which is how the test checks the validator itself), 2 on unreadable
// input.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fhirPkg from 'fhir';

const { Fhir } = fhirPkg;
const fhir = new Fhir();

const args = process.argv.slice(2);
const expectInvalid = args[0] === '--expect-invalid';
if (expectInvalid) args.shift();
if (args.length === 0) args.push('-');

function inputs(arg) {
  if (arg === '-') return [['stdin', readFileSync(0, 'utf8')]];
  if (statSync(arg).isDirectory()) {
    return readdirSync(arg).filter((f) => f.endsWith('.json')).sort()
      .map((f) => [join(arg, f), readFileSync(join(arg, f), 'utf8')]);
  }
  return [[arg, readFileSync(arg, 'utf8')]];
}

// FHIR.js checks date and dateTime values but not instant ones; R4's
// instant pattern (datatypes.html), at the instants of what carekey serves.
const INSTANT = new RegExp('^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-' +
  '(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?' +
  '(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$');
const INSTANT_ELEMENTS = {
  AuditEvent: ['recorded'], Appointment: ['start', 'end'], DocumentReference: ['date'],
  Observation: ['issued'], DiagnosticReport: ['issued'], Bundle: ['timestamp'],
};
function instantErrors(resource) {
  const errors = [];
  const test = (where, v) => {
    if (v !== undefined && (typeof v !== 'string' || !INSTANT.test(v))) {
      errors.push({ location: where, message: `Invalid instant format for value "${v}"`, severity: 'error' });
    }
  };
  const t = resource.resourceType;
  if (resource.meta) test(`${t}.meta.lastUpdated`, resource.meta.lastUpdated);
  for (const k of INSTANT_ELEMENTS[t] || []) test(`${t}.${k}`, resource[k]);
  if (t === 'Bundle' && Array.isArray(resource.entry)) {
    resource.entry.forEach((e, i) => e && e.response && test(`Bundle.entry[${i}].response.lastModified`, e.response.lastModified));
  }
  return errors;
}

// The messages of one resource; errors only (FHIR.js also reports
// warnings and information, which do not make a resource invalid).
function check(resource) {
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  const errors = (result.messages || []).filter((m) => m.severity === 'error').concat(instantErrors(resource));
  return { valid: result.valid && errors.length === 0, errors };
}

let total = 0;
let bad = 0;
let good = 0;
let topValid = 0; // inputs (not entries) that validated
function report(name, resource, top = false) {
  total++;
  if (resource === null || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
    bad++;
    console.log(`invalid ${name}: not a resource (no resourceType)`);
    return;
  }
  const { valid, errors } = check(resource);
  const label = `${name} (${resource.resourceType}${resource.id ? '/' + resource.id : ''})`;
  if (valid) {
    good++;
    if (top) topValid++;
    console.log(`ok ${label}`);
  } else {
    bad++;
    console.log(`invalid ${label}`);
    for (const m of errors) console.log(`  ${m.location}: ${m.message}`);
  }
  if (resource.resourceType === 'Bundle' && Array.isArray(resource.entry)) {
    resource.entry.forEach((e, i) => {
      if (e && e.resource) report(`${name} entry[${i}]`, e.resource);
    });
  }
}

try {
  for (const arg of args) {
    for (const [name, text] of inputs(arg)) {
      const value = JSON.parse(text);
      if (Array.isArray(value)) value.forEach((r, i) => report(`${name}[${i}]`, r, true));
      else report(name, value, true);
    }
  }
} catch (e) {
  console.error(`fhir_validate: ${e.message}`);
  process.exit(2);
}

if (total === 0) {
  console.error('fhir_validate: no resources');
  process.exit(2);
}
console.log(`fhir_validate: ${good} valid, ${bad} invalid`);
if (expectInvalid) {
  // every input must be refused (the entries of a refused Bundle may be fine)
  process.exit(topValid === 0 ? 0 : 1);
}
process.exit(bad === 0 ? 0 : 1);
