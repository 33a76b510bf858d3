"""Fast kernels beside the readable ops of `gradlab.nn.functional`, giving the same results:
conv2d in a row layout split over two threads (`conv`) and the pools over tiles (`pool`).

`gradlab.nn.functional` switches to a kernel for inputs that are `gradlab.engine.kernels.large`
(where the kernels split over two threads), so small inputs, the ones a learner steps through,
run the readable code. tests/nn/test_kernels.py checks each kernel against its reference on
drawn geometry, values and grads.
"""
