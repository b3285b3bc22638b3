from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .nets import TinyNet


def pipeline(name, *steps):
    return make_pipeline(*steps)


clf = pipeline("scaler-lr", StandardScaler(), LogisticRegression())
net = TinyNet.from_pretrained("./checkpoints/best")
