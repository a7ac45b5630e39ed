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
