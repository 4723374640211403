package provenance

import (
	"bytes"
	"fmt"
	"io"
	"sort"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"sigs.k8s.io/yaml"

	"github.com/kpkg/kpkg/pkg/chart"
)

// docEnd separates the chart metadata from the file digests in the signed
// text. YAML's "---" would start a line with a dash, which a clear-signed
// message must escape, so Helm chose the document end marker instead.
var docEnd = []byte("\n...\n")

// sums is the second YAML document of the signed text. Helm also defines
// an "images" map that nothing writes; it is ignored here as there.
type sums struct {
	Files map[string]string `json:"files"`
}

// Provenance is a parsed provenance file. Its fields are what the file
// claims: nothing is trusted until Keyring.VerifyArchive has checked the
// signature.
type Provenance struct {
	// Name labels the file in messages (a path or a URL).
	Name string
	// Metadata is the signed Chart.yaml.
	Metadata *chart.Metadata
	// Files maps archive base names to "sha256:<hex>" digests.
	Files map[string]string
	// signed is the text the signature covers, as the clear-sign decoder
	// canonicalised it; signature holds the binary signature packets.
	signed    []byte
	signature []byte
	// keyID is the issuer the signature names, 0 when it names none.
	keyID uint64
}

// ParseProvenance reads a provenance file without checking its signature.
// name labels the file in errors, which are *MalformedError.
func ParseProvenance(name string, data []byte) (*Provenance, error) {
	bad := func(reason string, err error) error { return &MalformedError{File: name, Reason: reason, Err: err} }
	if len(data) > MaxProvenanceSize {
		return nil, bad(fmt.Sprintf("it is larger than the %d bytes allowed", MaxProvenanceSize), nil)
	}
	block := decodeClearsigned(data)
	if block == nil {
		return nil, bad("it holds no complete OpenPGP clear-signed message", nil)
	}
	sig, err := io.ReadAll(block.ArmoredSignature.Body)
	if err != nil {
		return nil, bad("the signature block is not valid ASCII armor", err)
	}
	p := &Provenance{Name: name, signed: block.Bytes, signature: sig}
	pkt, err := readPacket(sig)
	if err != nil {
		return nil, bad("the signature block holds no readable OpenPGP packet", err)
	}
	s, ok := pkt.(*packet.Signature)
	if !ok {
		return nil, bad(fmt.Sprintf("the signature block holds a %T instead of a signature", pkt), nil)
	}
	p.keyID = issuerOf(s)
	if err := p.parseText(block.Plaintext); err != nil {
		return nil, bad(err.Error(), nil)
	}
	return p, nil
}

// decodeClearsigned is clearsign.Decode, which in go-crypto v1.4.1 panics
// on a message whose signed text is empty (the fuzz corpus has one; Helm
// crashes on it). A panic there means the input is not a usable message.
func decodeClearsigned(data []byte) (block *clearsign.Block) {
	defer func() {
		if recover() != nil {
			block = nil
		}
	}()
	block, _ = clearsign.Decode(data)
	return block
}

// readPacket is packet.Read, which in go-crypto v1.4.1 panics on a
// signature subpacket of length zero (found by FuzzParseProvenance; v1.5.2
// refuses it). Another such slip in the library must not crash kpkg: a
// panic there means the signature block is not a readable packet.
func readPacket(data []byte) (pkt packet.Packet, err error) {
	defer func() {
		if r := recover(); r != nil {
			pkt, err = nil, fmt.Errorf("the OpenPGP parser failed on it: %v", r)
		}
	}()
	return packet.Read(bytes.NewReader(data))
}

// parseText reads the signed text: Chart.yaml, the "..." line, then the
// file digests. Like Helm, text after a second "..." line is ignored.
func (p *Provenance) parseText(text []byte) error {
	parts := bytes.SplitN(text, docEnd, 3)
	if len(parts) < 2 {
		return fmt.Errorf("the signed text has no %q line between the chart metadata and the file digests", "...")
	}
	p.Metadata = &chart.Metadata{}
	if err := yaml.Unmarshal(parts[0], p.Metadata); err != nil {
		return fmt.Errorf("the signed chart metadata is not valid Chart.yaml: %v", err)
	}
	var s sums
	if err := yaml.Unmarshal(parts[1], &s); err != nil {
		return fmt.Errorf("the signed file digests are not a YAML map of file names to digests: %v", err)
	}
	if len(s.Files) == 0 {
		return fmt.Errorf("the signed text lists no file digests")
	}
	p.Files = s.Files
	return nil
}

// fileNames lists the signed file names in order, for messages.
func (p *Provenance) fileNames() []string {
	names := make([]string, 0, len(p.Files))
	for n := range p.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// issuerOf is the key ID a signature names: the issuer subpacket, or the
// low 64 bits of the issuer fingerprint (v4 keys; v6 keys use the high
// ones, which is where their key IDs come from too).
func issuerOf(s *packet.Signature) uint64 {
	if s.IssuerKeyId != nil {
		return *s.IssuerKeyId
	}
	fp := s.IssuerFingerprint
	switch {
	case len(fp) == 20:
		return beUint64(fp[12:])
	case len(fp) == 32:
		return beUint64(fp[:8])
	}
	return 0
}

func beUint64(b []byte) uint64 {
	var v uint64
	for _, c := range b[:8] {
		v = v<<8 | uint64(c)
	}
	return v
}

// messageText is the text a provenance file signs for an archive named
// name whose digest is sum ("sha256:<hex>"), in Helm's layout byte for
// byte: Chart.yaml serialised with its JSON field names, a blank line, the
// "..." line, then the digests.
func messageText(md *chart.Metadata, name, sum string) ([]byte, error) {
	head, err := yaml.Marshal(md)
	if err != nil {
		return nil, fmt.Errorf("serialise chart metadata: %w", err)
	}
	tail, err := yaml.Marshal(sums{Files: map[string]string{name: sum}})
	if err != nil {
		return nil, fmt.Errorf("serialise file digests: %w", err)
	}
	var b bytes.Buffer
	b.Write(head)
	b.Write(docEnd)
	b.Write(tail)
	return b.Bytes(), nil
}
