import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanText, decodeEntities, resolveLanguage, stripControls } from '../../activities/mystore/mystore-text';

describe('Mystore text cleaning', () => {
  test('HTML entities: Norwegian letters, &amp;, decimal and hex', () => {
    assert.equal(decodeEntities('Korallr&oslash;d'), 'Korallrød');
    assert.equal(decodeEntities('&aelig;&oslash;&aring; &AElig;&Oslash;&Aring;'), 'æøå ÆØÅ');
    assert.equal(decodeEntities('Strikk &amp; Garn'), 'Strikk & Garn');
    assert.equal(decodeEntities('&#248; &#xF8; &#XF8; &#229;'), 'ø ø ø å');
    assert.equal(decodeEntities('&laquo;JUL&raquo; &euro;'), '«JUL» €');
    assert.equal(decodeEntities('&amp;oslash;'), '&oslash;', 'decoded once, not twice');
    assert.equal(decodeEntities('AT&T; 5 < 6 & unknown &foo;'), 'AT&T; 5 < 6 & unknown &foo;');
  });

  test('multilingual objects resolve to the shop language, with fallbacks', () => {
    assert.equal(resolveLanguage({ no: 'Sendt', en: 'Sent' }, 'en'), 'Sent');
    assert.equal(resolveLanguage({ no: 'Sendt', en: 'Sent' }, 'se'), 'Sendt');
    assert.equal(resolveLanguage({ en: 'Sent', se: 'Skickad' }, 'no'), 'Sent');
    assert.equal(resolveLanguage({ se: 'Skickad', dk: 'Sendt' }, 'no'), 'Skickad');
    assert.equal(resolveLanguage({ no: '', en: 'Sent' }, 'no'), 'Sent', 'blank counts as missing');
    assert.equal(resolveLanguage({ no: null, en: null }, 'no'), '');
    assert.equal(resolveLanguage('Plain', 'en'), 'Plain');
    assert.equal(resolveLanguage(null, 'no'), '');
    assert.equal(resolveLanguage(undefined, 'no'), '');
  });

  test('control characters dropped, breaks and tabs collapse to one space, trimmed', () => {
    assert.equal(stripControls('  Storgata 1\r\n\r\n  Oslo\t\tNorge  '), 'Storgata 1 Oslo Norge');
    assert.equal(stripControls('a\u0000b\u0007c\u001Fd\u007Fe\u009Bf'), 'abcdef');
    assert.equal(stripControls('zero\u200Bwidth\uFEFF'), 'zerowidth');
    assert.equal(stripControls('no\u00A0break'), 'no break');
    assert.equal(stripControls('two  spaces stay'), 'two  spaces stay');
  });

  test('cleanText does all of it, entities before controls', () => {
    assert.equal(cleanText({ no: ' Genser&#10;Korallr&oslash;d\t ', en: 'Sweater' }, 'no'), 'Genser Korallrød');
    assert.equal(cleanText('Bl&aring;&nbsp;ull', 'no'), 'Blå ull');
  });
});
