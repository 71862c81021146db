"""The books a customer holds beyond money paid today: vouchers, products paid for and not
yet collected, and the back-fills that brought in what they held before the desk."""
