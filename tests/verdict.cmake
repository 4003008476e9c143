ocop_test(test_verdict)
