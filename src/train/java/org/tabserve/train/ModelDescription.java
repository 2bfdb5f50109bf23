package org.tabserve.train;

import java.util.Map;

/**
 * The words a trained model carries about itself that the data cannot supply: its name, purpose, what its
 * classes mean and where the data came from.
 *
 * @param name              short model name
 * @param version           model version
 * @param description       one line for people
 * @param labelColumn       the CSV column that holds the class
 * @param classDisplayNames class label to display name
 * @param classDisplayNote  where the display names come from
 * @param dataSource        the data set's source, for the card
 * @param dataLicence       the data set's licence and credit line
 */
record ModelDescription(
        String name,
        String version,
        String description,
        String labelColumn,
        Map<String, String> classDisplayNames,
        String classDisplayNote,
        String dataSource,
        String dataLicence) {

    /** The bank-note authenticator that tabserve ships. */
    static final ModelDescription BANK_NOTES = new ModelDescription(
            "banknote-authenticator",
            "1",
            "Tells genuine from forged bank notes by four wavelet features of the note's image.",
            "class",
            Map.of("0", "genuine", "1", "forged"),
            "0 = genuine, 1 = forged is the common Kaggle convention for this data set; UCI does not document "
                    + "which class is which, so treat the label as an opaque 0/1 code.",
            "Banknote Authentication, UCI Machine Learning Repository, data set 267, https://doi.org/10.24432/C55P57 "
                    + "(owner Volker Lohweg, donor Helene Dörksen)",
            "CC BY 4.0. Credit: Lohweg, V. (2012/2013). Banknote Authentication [Dataset]. UCI Machine Learning "
                    + "Repository. https://doi.org/10.24432/C55P57");
}
