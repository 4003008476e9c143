ocop_test(test_label)
