module example.org/payments

go 1.22

require example.org/payments/greeting v0.0.0

// The greeting module lives inside this repository and is never published.
replace example.org/payments/greeting => ./greeting
