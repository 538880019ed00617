export type { EvtxRecord, FastPathStats } from './chunk.js';
export { CHUNK_SIZE } from './chunk.js';
export { eventRecordFromXml } from './event.js';
export { decodeFileHeader, type EvtxFileHeader, hasEvtxSignature } from './file-header.js';
export { type EvtxParseResult, parseEvtx, parseEvtxEvents, readEvtxEvents, readEvtxFile } from './parse.js';
export { renderXml, type XmlElement, type XmlNode } from './xml.js';
