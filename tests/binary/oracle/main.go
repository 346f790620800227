// Command oracle prints, for each file named on its command line, what Go's own
// readers (debug/elf, debug/macho, debug/pe, debug/buildinfo) say about it, as one
// JSON object per line. The binary tests compare goarchlab inspect --json with it.
//
// Fields (a field left out means Go's readers do not state it):
//
//	path, format (elf, macho, macho-universal, pe, other), error (Go's readers
//	fail or would hit the end of the file reading bytes the headers describe),
//	detail (Go's error text), slices: goarch, bits, endian, goos, interpreter
//	(the ELF PT_INTERP bytes or the Mach-O LC_LOAD_DYLINKER path up
//	to the first NUL, null when absent or empty), dwarf
//	(a section Go's File.DWARF reads as the info section is present), go (what
//	debug/buildinfo.Read returns for the slice, null on any error).
//
// The file is only read, never executed.
package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

type goInfo struct {
	GoVersion   string            `json:"go_version"`
	Path        string            `json:"path"`
	MainModule  string            `json:"main_module"`
	MainVersion string            `json:"main_version"`
	Settings    map[string]string `json:"settings"`
}

type slice struct {
	Goarch      *string `json:"goarch,omitempty"`
	Bits        int     `json:"bits"`
	Endian      string  `json:"endian"`
	Goos        *string `json:"goos,omitempty"`
	Interpreter *string `json:"interpreter"`
	Dwarf       bool    `json:"dwarf"`
	Go          *goInfo `json:"go"`
}

type result struct {
	Path   string  `json:"path"`
	Format string  `json:"format"`
	Error  bool    `json:"error"`
	Detail string  `json:"detail,omitempty"`
	Slices []slice `json:"slices"`
}

func str(s string) *string { return &s }

// readable reports whether n bytes at off lie inside r (Go's section readers
// return io.EOF past the end); n == 0 always is.
func readable(r io.ReaderAt, off, n int64) error {
	if n <= 0 {
		return nil
	}
	var b [1]byte
	if _, err := r.ReadAt(b[:], off+n-1); err != nil {
		return fmt.Errorf("%d bytes at %d: %w", n, off, err)
	}
	return nil
}

func readGo(r io.ReaderAt) *goInfo {
	bi, err := buildinfo.Read(r)
	if err != nil {
		return nil
	}
	g := &goInfo{GoVersion: bi.GoVersion, Path: bi.Path, MainModule: bi.Main.Path,
		MainVersion: bi.Main.Version, Settings: map[string]string{}}
	for _, s := range bi.Settings {
		g.Settings[s.Key] = s.Value
	}
	return g
}

func withGo(s slice, r io.ReaderAt) slice {
	s.Go = readGo(r)
	if s.Go != nil {
		if v, ok := s.Go.Settings["GOOS"]; ok {
			s.Goos = str(v)
		}
	}
	return s
}

var elfOSABI = map[elf.OSABI]string{
	elf.ELFOSABI_LINUX: "linux", elf.ELFOSABI_FREEBSD: "freebsd", elf.ELFOSABI_NETBSD: "netbsd",
	elf.ELFOSABI_OPENBSD: "openbsd", elf.ELFOSABI_SOLARIS: "solaris", elf.ELFOSABI_AIX: "aix",
}

func elfGoarch(f *elf.File) *string {
	le := f.Data == elf.ELFDATA2LSB
	b64 := f.Class == elf.ELFCLASS64
	pick := func(c bool, a, b string) *string {
		if c {
			return str(a)
		}
		return str(b)
	}
	switch f.Machine {
	case elf.EM_X86_64:
		return str("amd64")
	case elf.EM_386:
		return str("386")
	case elf.EM_ARM:
		return str("arm")
	case elf.EM_AARCH64:
		return str("arm64")
	case elf.EM_RISCV:
		if b64 {
			return str("riscv64")
		}
	case elf.EM_PPC64:
		return pick(le, "ppc64le", "ppc64")
	case elf.EM_S390:
		if b64 {
			return str("s390x")
		}
	case elf.EM_MIPS:
		if b64 {
			return pick(le, "mips64le", "mips64")
		}
		return pick(le, "mipsle", "mips")
	case elf.EM_LOONGARCH:
		if b64 {
			return str("loong64")
		}
	}
	return nil
}

func endian(little bool) string {
	if little {
		return "little"
	}
	return "big"
}

func doELF(r *os.File, res *result) error {
	f, err := elf.NewFile(r)
	if err != nil {
		return err
	}
	for _, p := range f.Progs {
		if err := readable(p, 0, int64(p.Filesz)); err != nil {
			return fmt.Errorf("segment: %w", err)
		}
	}
	s := slice{Goarch: elfGoarch(f), Endian: endian(f.Data == elf.ELFDATA2LSB), Bits: 32}
	if f.Class == elf.ELFCLASS64 {
		s.Bits = 64
	}
	for _, sec := range f.Sections {
		if sec.Type != elf.SHT_NOBITS {
			if err := readable(r, int64(sec.Offset), int64(sec.FileSize)); err != nil {
				return fmt.Errorf("section %s: %w", sec.Name, err)
			}
		}
		if sec.Name == ".debug_info" || sec.Name == ".zdebug_info" {
			s.Dwarf = true
		}
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err != nil && len(b) > 0 {
				return fmt.Errorf("PT_INTERP: %w", err)
			}
			if i := bytes.IndexByte(b, 0); i >= 0 {
				b = b[:i]
			}
			if len(b) > 0 {
				s.Interpreter = str(string(b))
			}
		}
	}
	if g, ok := elfOSABI[f.OSABI]; ok {
		s.Goos = str(g)
	}
	res.Slices = append(res.Slices, withGo(s, r))
	return nil
}

var machoArch = map[macho.Cpu]string{
	macho.CpuAmd64: "amd64", macho.Cpu386: "386", macho.CpuArm64: "arm64", macho.CpuArm: "arm",
}

func isZerofill(s *macho.Section) bool {
	switch s.Flags & 0xff {
	case 0x1, 0xc, 0x12: // S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL
		return true
	}
	return false
}

func machoSlice(f *macho.File, r io.ReaderAt) (slice, error) {
	s := slice{Bits: 32, Endian: endian(f.ByteOrder.String() == "LittleEndian")}
	if f.Magic == macho.Magic64 {
		s.Bits = 64
	}
	if a, ok := machoArch[f.Cpu]; ok {
		s.Goarch = str(a)
	}
	for _, l := range f.Loads {
		// LC_LOAD_DYLINKER (0xe): a name offset, then the loader path.
		if raw := l.Raw(); len(raw) >= 12 && f.ByteOrder.Uint32(raw) == 0xe {
			if off := f.ByteOrder.Uint32(raw[8:]); off >= 12 && int(off) < len(raw) {
				if name, _, _ := bytes.Cut(raw[off:], []byte{0}); len(name) > 0 {
					s.Interpreter = str(string(name))
				}
			}
		}
		if seg, ok := l.(*macho.Segment); ok {
			if err := readable(seg, 0, int64(seg.Filesz)); err != nil {
				return s, fmt.Errorf("segment %q: %w", seg.Name, err)
			}
		}
	}
	for _, sec := range f.Sections {
		if !isZerofill(sec) && sec.Offset != 0 {
			if err := readable(sec, 0, int64(sec.Size)); err != nil {
				return s, fmt.Errorf("section %s: %w", sec.Name, err)
			}
		}
		// macho.File.DWARF finds its sections by name, whatever segment holds them.
		if sec.Name == "__debug_info" || sec.Name == "__zdebug_info" {
			s.Dwarf = true
		}
	}
	return withGo(s, r), nil
}

var peArch = map[uint16]string{
	pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_I386: "386",
	pe.IMAGE_FILE_MACHINE_ARM64: "arm64", pe.IMAGE_FILE_MACHINE_ARMNT: "arm",
}

func doPE(r *os.File, res *result) error {
	f, err := pe.NewFile(r)
	if err != nil {
		return err
	}
	s := slice{Bits: 32, Endian: "little", Goos: str("windows")}
	if _, ok := f.OptionalHeader.(*pe.OptionalHeader64); ok {
		s.Bits = 64
	}
	if a, ok := peArch[f.Machine]; ok {
		s.Goarch = str(a)
	}
	for _, sec := range f.Sections {
		if err := readable(sec, 0, int64(sec.Size)); err != nil {
			return fmt.Errorf("section %s: %w", sec.Name, err)
		}
		if sec.Name == ".debug_info" || sec.Name == ".zdebug_info" {
			s.Dwarf = true
		}
	}
	s = withGo(s, r)
	if s.Goos == nil {
		s.Goos = str("windows")
	}
	res.Slices = append(res.Slices, s)
	return nil
}

func inspect(path string) result {
	res := result{Path: path, Format: "other", Slices: []slice{}}
	r, err := os.Open(path)
	if err != nil {
		res.Error, res.Detail = true, err.Error()
		return res
	}
	defer r.Close()
	head := make([]byte, 4)
	io.ReadFull(r, head)
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		res.Format = "elf"
		err = doELF(r, &res)
	case bytes.HasPrefix(head, []byte("MZ")):
		res.Format = "pe"
		err = doPE(r, &res)
	case bytes.Equal(head, []byte("\xca\xfe\xba\xbe")) || bytes.Equal(head, []byte("\xca\xfe\xba\xbf")):
		res.Format = "macho-universal"
		var ff *macho.FatFile
		if ff, err = macho.NewFatFile(r); err == nil {
			for _, a := range ff.Arches {
				var s slice
				s, err = machoSlice(a.File, io.NewSectionReader(r, int64(a.Offset), int64(a.Size)))
				if err != nil {
					break
				}
				res.Slices = append(res.Slices, s)
			}
		}
	default:
		var f *macho.File
		if f, err = macho.NewFile(r); err == nil {
			res.Format = "macho"
			var s slice
			if s, err = machoSlice(f, r); err == nil {
				res.Slices = append(res.Slices, s)
			}
		}
	}
	if err != nil {
		res.Error, res.Detail, res.Slices = true, err.Error(), []slice{}
	}
	return res
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	for _, p := range os.Args[1:] {
		if err := enc.Encode(inspect(p)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
