"""The image model: ImageNet MobileNetV2 with a small classification head.

The model takes raw RGB 0..255 and scales to [-1, 1] itself, so Python and the browser feed it
the same numbers and nobody has to remember MobileNet's scaling.
"""
import os
from pathlib import Path

import keras
from keras import layers


def imagenet_weights_file(alpha):
    """The Keras-cached ImageNet file for this alpha (only the 224 files exist; they fit any size)."""
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    path = keras_home / "models" / f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{alpha}_224_no_top.h5"
    if not path.is_file():
        raise FileNotFoundError(
            f"ImageNet weights not found at {path}: set KERAS_HOME to the folder holding models/ "
            "(../shared/keras here) or pass --weights FILE")
    return str(path)


def build_backbone(alpha=0.35, size=224, weights="imagenet"):
    """MobileNetV2 without its top, global-average-pooled. weights: 'imagenet', a .h5 path or None."""
    if weights == "imagenet":
        weights = imagenet_weights_file(alpha)
    return keras.applications.MobileNetV2(
        input_shape=(size, size, 3), alpha=alpha, include_top=False, pooling="avg", weights=weights)


def build_head(feature_size, num_classes, dropout=0.2):
    """Dropout + softmax layer. Trained alone on cached features first, then inside the full model."""
    features = keras.Input((feature_size,), name="features")
    x = layers.Dropout(dropout)(features)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(features, outputs, name="head")


def build_classifier(backbone, head):
    """Raw 0..255 RGB (size×size×3) in, class probabilities out.

    Also returns the pixels -> features half, which training uses to cache backbone features.
    """
    size = backbone.input_shape[1]
    pixels = keras.Input((size, size, 3), name="pixels")
    features = backbone(layers.Rescaling(1 / 127.5, offset=-1, name="to_minus1_plus1")(pixels))
    classifier = keras.Model(pixels, head(features), name="signcam_image_model")
    return classifier, keras.Model(pixels, features, name="feature_extractor")


def unfreeze_top(backbone, first_layer):
    """Make layers from first_layer on trainable; BatchNorm stays frozen (small batches, new domain)."""
    names = [layer.name for layer in backbone.layers]
    if first_layer not in names:
        raise ValueError(f"no layer named {first_layer!r} in the backbone (e.g. block_13_expand)")
    start = names.index(first_layer)
    backbone.trainable = True
    for i, layer in enumerate(backbone.layers):
        layer.trainable = i >= start and not isinstance(layer, layers.BatchNormalization)
