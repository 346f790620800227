module goarchlab.test/oracle

go 1.22
