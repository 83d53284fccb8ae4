import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BadInputError } from '../../../errors';

/** A minimal ordered XML element tree: E57 bytestream order follows the prototype's child order. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown>;

/**
 * fast-xml-parser refuses names such as "prototype" (an E57 tag) as prototype-pollution guards, so
 * every tag and attribute name is prefixed while parsing and the prefix stripped afterwards. The
 * prefix is a control character no XML name can hold; it is stripped repeatedly because the parser
 * applies the transform twice to self-closing tags.
 */
const NAME_PREFIX = '\u0001';
const unprefix = (name: string) => {
  let start = 0;
  while (name.startsWith(NAME_PREFIX, start)) start += NAME_PREFIX.length;
  return name.slice(start);
};

function toElement(node: OrderedNode): XmlElement | null {
  const name = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
  if (name === undefined) return null;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) attrs[unprefix(k)] = String(v);
  const children: XmlElement[] = [];
  let text = '';
  const body = node[name];
  if (Array.isArray(body)) {
    for (const child of body as OrderedNode[]) {
      if ('#text' in child) text += String(child['#text']);
      else {
        const element = toElement(child);
        if (element) children.push(element);
      }
    }
  }
  return { name: unprefix(name), attrs, children, text: text.trim() };
}

/** Parses the E57 XML section (UTF-8, possibly padded with NULs) into its root element. */
export function parseXml(bytes: Uint8Array, file: string, xmlOffset: number): XmlElement {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, end));
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new BadInputError(
      file,
      `XML section (at byte ${xmlOffset}) is malformed: ${valid.err.msg} (XML line ${valid.err.line}, column ${valid.err.col})`,
      {
        byte: xmlOffset,
      },
    );
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    transformTagName: (name) => NAME_PREFIX + name,
    transformAttributeName: (name) => NAME_PREFIX + name,
  });
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (err) {
    throw new BadInputError(
      file,
      `XML section (at byte ${xmlOffset}) cannot be parsed: ${err instanceof Error ? err.message : String(err)}`,
      { byte: xmlOffset },
    );
  }
  const roots = nodes.map(toElement).filter((e): e is XmlElement => e !== null);
  const root = roots.find((e) => e.name === 'e57Root');
  if (!root) throw new BadInputError(file, `XML section has no <e57Root> element`, { byte: xmlOffset });
  return root;
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
