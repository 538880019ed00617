import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonExport } from '../../src/evidence/json-export.js';
import { ExportFormatError, parseXmlExport } from '../../src/evidence/xml-export.js';

// A wevtutil qe /f:xml style export: bare <Event> elements, no root element.
const WEVTUTIL = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-RemoteDesktopServices-RdpCoreTS' Guid='{1139C61B-B549-4251-8ED3-27250A1EDEC8}'/><EventID>140</EventID><Version>0</Version><Level>3</Level><Task>4</Task><Opcode>14</Opcode><Keywords>0x4000000000000000</Keywords><TimeCreated SystemTime='2018-08-07T19:30:58.8423208Z'/><EventRecordID>6952284</EventRecordID><Correlation ActivityID='{F420A8B6-5AA3-4C5E-9BC4-6CE3F4A30000}'/><Execution ProcessID='1000' ThreadID='2200'/><Channel>Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational</Channel><Computer>DESKTOP-1N4R894</Computer><Security UserID='S-1-5-20'/></System><EventData><Data Name='IPString'>212.92.115.217</Data></EventData></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-TerminalServices-RemoteConnectionManager'/><EventID>1149</EventID><TimeCreated SystemTime='2021-12-16T10:25:32.351835800Z'/><EventRecordID>6433</EventRecordID><Channel>Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational</Channel><Computer>rootdc1.offsec.lan</Computer></System><UserData><EventXML xmlns='Event_NS'><Param1>admmig</Param1><Param2>OFFSEC</Param2><Param3>10.23.123.11</Param3></EventXML></UserData></Event>`;

describe('Event Viewer XML export', () => {
  it('reads wevtutil output (no root) into records', () => {
    const [failed, authenticated] = parseXmlExport(WEVTUTIL);
    assert.deepEqual(failed, {
      eventId: 140,
      provider: 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS',
      channel: 'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational',
      time: '2018-08-07T19:30:58.8423208Z',
      recordId: 6952284,
      computer: 'DESKTOP-1N4R894',
      data: { IPString: '212.92.115.217' },
    });
    assert.deepEqual(authenticated!.data, { Param1: 'admmig', Param2: 'OFFSEC', Param3: '10.23.123.11' });
    assert.equal(authenticated!.time, '2021-12-16T10:25:32.3518358Z');
  });

  it('reads "Save as XML" (<Events> root, declaration)', () => {
    const events = parseXmlExport(`<?xml version="1.0" encoding="utf-8"?>\n<Events>${WEVTUTIL}</Events>`);
    assert.equal(events.length, 2);
  });

  it('says clearly when the file is not an export', () => {
    assert.throws(
      () => parseXmlExport('<html><body/></html>'),
      (e: unknown) => e instanceof ExportFormatError && e.code === 'not-xml-export',
    );
  });
});

describe('Get-WinEvent | ConvertTo-Json', () => {
  it('names the positional Properties of known events (4625) and reads PowerShell 5.1 dates', () => {
    const values = [
      'S-1-5-18',
      'HOST$',
      'WORKGROUP',
      '0x3e7',
      'S-1-0-0',
      'alice',
      'HOST',
      '0xc000015b',
      '%%2308',
      '0x0',
      10,
      'User32 ',
      'Negotiate',
      'HOST',
      '-',
      '-',
      0,
      '0xc38',
      'C:\\Windows\\System32\\winlogon.exe',
      '192.0.2.7',
      '50123',
    ];
    const json = JSON.stringify({
      Id: 4625,
      ProviderName: 'Microsoft-Windows-Security-Auditing',
      LogName: 'Security',
      TimeCreated: '/Date(1467213876686)/',
      RecordId: 42,
      MachineName: 'host',
      Properties: values.map((Value) => ({ Value })),
    });
    const [event] = parseJsonExport(json);
    assert.equal(event!.time, '2016-06-29T15:24:36.6860000Z');
    assert.equal(event!.data.Status, '0xc000015b');
    assert.equal(event!.data.LogonType, '10');
    assert.equal(event!.data.IpAddress, '192.0.2.7');
  });

  it('rejects JSON that is not Get-WinEvent output', () => {
    assert.throws(
      () => parseJsonExport('[{"name": 1}]'),
      (e: unknown) => e instanceof ExportFormatError && e.code === 'not-json-export',
    );
    assert.throws(
      () => parseJsonExport('{'),
      (e: unknown) => e instanceof ExportFormatError,
    );
  });
});
