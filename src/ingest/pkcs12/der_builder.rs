//! A tiny DER writer for the tests: builds the odd structures (unsupported algorithms, huge
//! iteration counts, PBMAC1) that no exporter on this machine writes.

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

pub fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

pub fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

pub fn explicit(number: u8, inner: Vec<u8>) -> Vec<u8> {
    tlv(0xa0 | number, &inner)
}

pub fn int(value: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = value
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut content = Vec::new();
    let first = arcs[0] * 40 + arcs[1];
    for arc in std::iter::once(first).chain(arcs[2..].iter().copied()) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        content.extend(groups.into_iter().rev());
    }
    tlv(0x06, &content)
}

pub fn algorithm(dotted: &str, params: Option<Vec<u8>>) -> Vec<u8> {
    match params {
        Some(params) => seq(&[oid(dotted), params]),
        None => seq(&[oid(dotted)]),
    }
}

#[test]
fn encodes_like_openssl() {
    assert_eq!(
        oid("1.2.840.113549.1.7.1"),
        [
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01
        ]
    );
    assert_eq!(int(2048), [0x02, 0x02, 0x08, 0x00]);
    assert_eq!(int(128), [0x02, 0x02, 0x00, 0x80]);
    assert_eq!(tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
}
