//! A minimal ELF64 little-endian writer for the binary catalogers' tests: named
//! sections, each loaded by its own `PT_LOAD` segment when it has an address.

const SHT_PROGBITS: u32 = 1;
const SHT_STRTAB: u32 = 3;
const SHF_WRITE: u64 = 1;
const SHF_ALLOC: u64 = 2;
const PT_LOAD: u32 = 1;

pub struct Section {
    pub name: String,
    pub addr: u64,
    pub data: Vec<u8>,
    pub flags: u64,
    /// Loaded by a segment (writable data); otherwise a plain non-alloc section.
    pub loaded: bool,
    /// Written into the section header instead of the real offset.
    pub offset_override: Option<u64>,
}

impl Section {
    /// Writable, allocated data at `addr`.
    pub fn data(name: &str, addr: u64, data: Vec<u8>) -> Self {
        Self { name: name.into(), addr, data, flags: SHF_WRITE | SHF_ALLOC, loaded: true, offset_override: None }
    }

    /// A section no segment loads (like `.dep-v0`).
    pub fn note(name: &str, data: Vec<u8>) -> Self {
        Self { name: name.into(), addr: 0, data, flags: 0, loaded: false, offset_override: None }
    }
}

#[derive(Default)]
pub struct Elf {
    pub sections: Vec<Section>,
}

impl Elf {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn section(mut self, s: Section) -> Self {
        self.sections.push(s);
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let loaded: Vec<&Section> = self.sections.iter().filter(|s| s.loaded).collect();
        let phoff = 64u64;
        let phnum = loaded.len() as u64;
        let mut out = vec![0u8; (phoff + phnum * 56) as usize];
        let align = |out: &mut Vec<u8>| out.resize(out.len().next_multiple_of(16), 0);

        let mut offsets = Vec::new();
        for s in &self.sections {
            align(&mut out);
            offsets.push(out.len() as u64);
            out.extend(&s.data);
        }
        let mut shstrtab = vec![0u8];
        let mut name_at = Vec::new();
        for s in &self.sections {
            name_at.push(shstrtab.len() as u32);
            shstrtab.extend(s.name.as_bytes());
            shstrtab.push(0);
        }
        let shstrtab_name = shstrtab.len() as u32;
        shstrtab.extend(b".shstrtab\0");
        let shstrtab_off = out.len() as u64;
        out.extend(&shstrtab);
        align(&mut out);
        let shoff = out.len() as u64;
        let shnum = self.sections.len() as u16 + 2;

        // Section headers: null, each section, .shstrtab.
        out.extend([0u8; 64]);
        for (i, s) in self.sections.iter().enumerate() {
            let off = s.offset_override.unwrap_or(offsets[i]);
            let kind = SHT_PROGBITS;
            section_header(&mut out, name_at[i], kind, s.flags, s.addr, off, s.data.len() as u64);
        }
        section_header(&mut out, shstrtab_name, SHT_STRTAB, 0, 0, shstrtab_off, shstrtab.len() as u64);

        // Program headers.
        let mut ph = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            if !s.loaded {
                continue;
            }
            ph.extend(PT_LOAD.to_le_bytes());
            ph.extend(6u32.to_le_bytes()); // PF_R | PF_W
            ph.extend(offsets[i].to_le_bytes());
            ph.extend(s.addr.to_le_bytes());
            ph.extend(s.addr.to_le_bytes());
            ph.extend((s.data.len() as u64).to_le_bytes());
            ph.extend((s.data.len() as u64).to_le_bytes());
            ph.extend(16u64.to_le_bytes());
        }
        out[phoff as usize..phoff as usize + ph.len()].copy_from_slice(&ph);

        // ELF header.
        let mut h = Vec::new();
        h.extend(b"\x7fELF");
        h.extend([2, 1, 1, 0]); // 64-bit, little-endian, version 1, SysV
        h.extend([0u8; 8]);
        h.extend(2u16.to_le_bytes()); // ET_EXEC
        h.extend(62u16.to_le_bytes()); // x86-64
        h.extend(1u32.to_le_bytes());
        h.extend(0x40_1000u64.to_le_bytes()); // entry
        h.extend(if phnum > 0 { phoff } else { 0 }.to_le_bytes());
        h.extend(shoff.to_le_bytes());
        h.extend(0u32.to_le_bytes());
        h.extend(64u16.to_le_bytes());
        h.extend(56u16.to_le_bytes());
        h.extend((phnum as u16).to_le_bytes());
        h.extend(64u16.to_le_bytes());
        h.extend(shnum.to_le_bytes());
        h.extend((shnum - 1).to_le_bytes());
        out[..64].copy_from_slice(&h);
        out
    }
}

fn section_header(out: &mut Vec<u8>, name: u32, kind: u32, flags: u64, addr: u64, off: u64, size: u64) {
    out.extend(name.to_le_bytes());
    out.extend(kind.to_le_bytes());
    out.extend(flags.to_le_bytes());
    out.extend(addr.to_le_bytes());
    out.extend(off.to_le_bytes());
    out.extend(size.to_le_bytes());
    out.extend(0u32.to_le_bytes()); // link
    out.extend(0u32.to_le_bytes()); // info
    out.extend(16u64.to_le_bytes()); // addralign
    out.extend(0u64.to_le_bytes()); // entsize
}

#[test]
fn builds_an_elf_object_reads() {
    use object::{Object, ObjectSection, ObjectSegment};
    let bytes = Elf::new()
        .section(Section::data(".data", 0x1000, vec![1, 2, 3]))
        .section(Section::note(".note.x", vec![4, 5]))
        .build();
    let file = object::File::parse(&*bytes).expect("parses");
    assert_eq!(file.section_by_name(".data").expect(".data").data().expect("data"), &[1, 2, 3]);
    assert_eq!(file.section_by_name(".note.x").expect(".note.x").data().expect("data"), &[4, 5]);
    assert_eq!(file.segments().count(), 1);
    assert_eq!(file.segments().next().map(|s| s.address()), Some(0x1000));
}
