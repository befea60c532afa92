"""ORM models; built from the app's SQLAlchemy handle to avoid a circular import."""


def define_models(db):
    class Item(db.Model):
        __tablename__ = "items"

        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(120), nullable=False, index=True)
        category = db.Column(db.String(40), nullable=False, default="misc")
        quantity = db.Column(db.Integer, nullable=False, default=0)
        received_at = db.Column(db.DateTime(timezone=True))

        def to_dict(self):
            return {
                "id": self.id,
                "name": self.name,
                "category": self.category,
                "quantity": self.quantity,
                "received_at": self.received_at.isoformat() if self.received_at else None,
            }

    return Item
