"""Build the baseline `make bench` compares against: a Teachable-Machine-equivalent image model.

    python -m bench.build_tm --classes 10 --out runs/bench/tm-10-224   # runs/ is git-ignored

Teachable Machine's image project (teachablemachine-community, libraries/image) truncates
MobileNetV2 alpha 0.35 at 224 px at its last ReLU, global-average-pools it, and trains
Dense(100, relu) + Dense(N, softmax) on top. "Export -> TensorFlow.js" saves that as a TF.js
*layers* model with float32 weights (no quantisation), and its library scales pixels to [-1, 1]
in JavaScript before predict. We build the same network in Keras and save it the same way.

The head weights are random (Keras' default initialisers): fine for timing and size, which is
what the bench compares. Its accuracy is therefore meaningless and the bench does not report it.
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(num_classes, size=224, alpha=0.35):
    # tf_keras (Keras 2) rather than Keras 3: TF.js reads Keras 2 layer configs, the way TM's own
    # tfjs-built models look; a Keras 3 config fails in tf.loadLayersModel ("An InputLayer should
    # be passed either a batchInputShape or an inputShape").
    import tf_keras

    from training.model import imagenet_weights_file

    tf_keras.utils.set_random_seed(0)
    backbone = tf_keras.applications.MobileNetV2(
        input_shape=(size, size, 3), alpha=alpha, include_top=False, pooling="avg",
        weights=imagenet_weights_file(alpha))
    backbone.trainable = False  # TM freezes the backbone and trains only the head
    return tf_keras.Sequential([
        backbone,
        tf_keras.layers.Dense(100, activation="relu", name="tm_dense_100"),
        tf_keras.layers.Dense(num_classes, activation="softmax", name="tm_probabilities"),
    ], name="teachable_machine_equivalent")


def convert(model, target):
    """Save as TM does: a TF.js layers model with float32 weights."""
    from training.export import converter_command

    with tempfile.TemporaryDirectory() as scratch:
        h5 = Path(scratch) / "tm.h5"
        model.save(h5)
        subprocess.run([converter_command(), "--input_format=keras", "--output_format=tfjs_layers_model",
                        str(h5), str(target)], check=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--classes", type=int, default=10, help="number of outputs N (the bench uses each model's)")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--out", default=str(ROOT / "runs" / "bench" / "tm-10-224"))
    args = p.parse_args(argv)

    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".tm.partial-", dir=target.parent))
    try:
        shutil.rmtree(building)  # the converter wants to create the folder itself
        convert(build(args.classes, args.size), building)
        (building / "bench.json").write_text(json.dumps({
            "format": "tfjs_layers_model", "classes": args.classes, "size": args.size, "weights": "float32",
            "head": "random (timing and size only)",
            "input": "[-1, 1], scaled in JavaScript as Teachable Machine's library does",
        }, indent=2) + "\n")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    size = sum(f.stat().st_size for f in target.iterdir() if f.name != "bench.json")
    print(f"wrote {target}/ (TF.js layers model, float32, {size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
