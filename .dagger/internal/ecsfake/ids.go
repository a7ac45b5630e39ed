package ecsfake

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// accountOf is the account of an ARN, or moto's default account when the
// ARN names none.
func accountOf(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 4 && parts[4] != "" {
		return parts[4]
	}
	return "123456789012"
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	mixedAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	digits     = "0123456789"
)

// randomString draws n characters of alphabet, as the random parts of
// ECS's ARNs and ids are.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

// randomDigits is an n-digit number without a leading zero.
func randomDigits(n int) string { return "1" + randomString(n-1, digits) }

// hookID is a lifecycle hook run's id. ECS does not document its form; the
// stand-in mints a random UUID (version 4), the form of ECS's other opaque
// ids, so a caller cannot lean on a shape of its own making.
func hookID() string {
	b := []byte(randomString(32, "0123456789abcdef"))
	b[12] = '4'
	b[16] = "89ab"[strings.IndexByte("0123456789abcdef", b[16])%4]
	return string(b[0:8]) + "-" + string(b[8:12]) + "-" + string(b[12:16]) + "-" + string(b[16:20]) + "-" + string(b[20:32])
}
