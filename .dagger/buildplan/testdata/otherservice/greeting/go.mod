module example.org/payments/greeting

go 1.22
